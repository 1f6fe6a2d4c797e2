-- Insurer codes are unique whatever their letter case (`PICC` and `picc` are one insurer).
DROP INDEX "insurers_code_key";--> statement-breakpoint
-- Codes already stored in two cases name one insurer twice; which one rounds and policies should
-- keep is an administrator's decision: name them, and stop before the index does.
DO $$
DECLARE twins text;
BEGIN
  SELECT string_agg(codes, '; ') INTO twins FROM (
    SELECT string_agg("code", ', ' ORDER BY "code") AS codes FROM "insurers" GROUP BY lower("code") HAVING count(*) > 1
  ) AS groups;
  IF twins IS NOT NULL THEN
    RAISE EXCEPTION 'insurer codes that differ only in letter case: %', twins
      USING HINT = 'rename or merge all but one insurer of each group, then migrate again';
  END IF;
END $$;--> statement-breakpoint
CREATE UNIQUE INDEX "insurers_code_key" ON "insurers" USING btree (lower("code"));
