-- SPEC §5: the policy number key now also drops every character with the Unicode Dash property
-- (db/schema/policy-number-key.ts), U+2053 SWUNG DASH among them. A generated column's expression
-- cannot be altered in place: the index on it goes, the column is dropped and added again (which
-- computes the key of every existing row anew), and the index comes back.
DROP INDEX "cases_live_duplicate_key";--> statement-breakpoint
ALTER TABLE "cases" DROP COLUMN "policy_number_key";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "policy_number_key" text GENERATED ALWAYS AS (nullif(regexp_replace(lower(normalize("policy"->>'number', NFKC) collate "und-x-icu"), '[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\u00AD\u034F\u0600-\u0605\u061C\u06DD\u070F\u0890\u0891\u08E2\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB\U000110BD\U000110CD\U00013430-\U0001343F\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF\u002D\u058A\u05BE\u1400\u1806\u2010-\u2015\u2053\u207B\u208B\u2212\u2E17\u2E1A\u2E3A\u2E3B\u2E40\u2E5D\u301C\u3030\u30A0\uFE31\uFE32\uFE58\uFE63\uFF0D\U00010D6E\U00010EAD\u02D7\u2796]', '', 'g'), '')) STORED;--> statement-breakpoint
-- Live applications that were distinct under the old key but are one policy under the new one
-- cannot be settled here (which one to withdraw is the firm's decision, recorded in its history):
-- name them, and stop before the index does with a bare "could not create unique index".
DO $$
DECLARE twins text;
BEGIN
  SELECT string_agg(numbers, '; ') INTO twins FROM (
    SELECT string_agg("number", ', ' ORDER BY "number") AS numbers
    FROM "cases"
    WHERE "submitted_at" IS NOT NULL AND "state" NOT IN ('withdrawn', 'rejected', 'lapsed') AND "policy_number_key" IS NOT NULL
    GROUP BY "enterprise_id", "catalogue_entry_id", btrim("user_unit"->>'uscc'), "policy_number_key"
    HAVING count(*) > 1
  ) AS groups;
  IF twins IS NOT NULL THEN
    RAISE EXCEPTION 'live applications for one policy (SPEC 5): %', twins
      USING HINT = 'withdraw all but one application of each group, then migrate again';
  END IF;
END $$;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_live_duplicate_key" ON "cases" USING btree ("enterprise_id","catalogue_entry_id",btrim("user_unit"->>'uscc'),"policy_number_key") WHERE "cases"."submitted_at" is not null and "cases"."state" not in ('withdrawn', 'rejected', 'lapsed');