-- SPEC §5 "not a duplicate": the submission rule reads this, and this index settles two
-- duplicate submissions racing each other (each holds only its own case's row lock).
CREATE UNIQUE INDEX "cases_live_duplicate_key" ON "cases" (
  "enterprise_id", "catalogue_entry_id", (btrim("user_unit"->>'uscc')), (btrim("policy"->>'number'))
) WHERE "submitted_at" IS NOT NULL AND "state" NOT IN ('withdrawn', 'rejected', 'lapsed');
