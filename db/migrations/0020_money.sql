CREATE TABLE "recoveries" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"started_by" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"banned_until" date NOT NULL,
	"amount_fen" bigint,
	"reference" text,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recoveries_amount_positive" CHECK ("recoveries"."amount_fen" is null or "recoveries"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "subsidy_adjustments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"before_fen" bigint NOT NULL,
	"after_fen" bigint NOT NULL,
	"basis" jsonb NOT NULL,
	"proposal_id" uuid,
	"approved_by" uuid,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "subsidy_adjustments_not_raised" CHECK ("subsidy_adjustments"."after_fen" between 0 and "subsidy_adjustments"."before_fen")
);
--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "ban_years" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_adjustments" ADD CONSTRAINT "subsidy_adjustments_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_adjustments" ADD CONSTRAINT "subsidy_adjustments_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subsidy_adjustments_case_idx" ON "subsidy_adjustments" USING btree ("case_id","at");--> statement-breakpoint
CREATE INDEX "cases_approved_idx" ON "cases" USING btree ("round_id","approved_at","number") WHERE approved_at is not null;--> statement-breakpoint
-- case@2 retires for case@3 (the money stage): `approved` became a compound state and the context
-- gained the policy's end date and the current batch. A case@2 snapshot reads the same on case@3 once
-- those fields exist; a case already approved under case@2 enters the new stage at `calculated`,
-- and its subsidy is calculated at the next start (server/cases/subsidy.ts calculateMissingSubsidies).
UPDATE "cases" SET
  "machine_version" = 'case@3',
  "snapshot" = jsonb_set(jsonb_set(
      CASE WHEN "snapshot"->'value' = '"approved"'::jsonb THEN jsonb_set("snapshot", '{value}', '{"approved":"calculated"}'::jsonb) ELSE "snapshot" END,
      '{context,policyEndsOn}', coalesce(to_jsonb("policy"->>'endsOn'), 'null'::jsonb)),
    '{context,batchId}', 'null'::jsonb),
  "state" = CASE WHEN "state" = 'approved' THEN 'calculated' ELSE "state" END,
  "approved_at" = CASE WHEN "state" = 'approved' THEN "updated_at" ELSE "approved_at" END
WHERE "machine_version" = 'case@2';
