CREATE TABLE "batch_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disbursement_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"round_id" uuid NOT NULL,
	"city" text,
	"state" text NOT NULL,
	"machine_version" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"batch_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"payee" text NOT NULL,
	"bank_name" text NOT NULL,
	"bank_account" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"bank_reference" text,
	"paid_on" date,
	"failure" text,
	"settled_by" uuid,
	"settled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_status_known" CHECK ("payments"."status" in ('pending', 'paid', 'failed', 'cancelled')),
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount_fen" > 0),
	CONSTRAINT "payments_account_given" CHECK (btrim("payments"."bank_account") <> ''),
	CONSTRAINT "payments_paid_has_reference" CHECK (("payments"."status" = 'paid') = ("payments"."bank_reference" is not null and "payments"."paid_on" is not null)),
	CONSTRAINT "payments_failed_has_failure" CHECK (("payments"."status" = 'failed') = ("payments"."failure" is not null))
);
--> statement-breakpoint
ALTER TABLE "disbursement_batches" ADD CONSTRAINT "disbursement_batches_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disbursement_batches" ADD CONSTRAINT "disbursement_batches_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disbursement_batches" ADD CONSTRAINT "disbursement_batches_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_batch_id_disbursement_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."disbursement_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_settled_by_users_id_fk" FOREIGN KEY ("settled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "disbursement_batches_number_key" ON "disbursement_batches" USING btree ("number");--> statement-breakpoint
CREATE INDEX "disbursement_batches_created_idx" ON "disbursement_batches" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "disbursement_batches_round_idx" ON "disbursement_batches" USING btree ("round_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_batch_case_key" ON "payments" USING btree ("batch_id","case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_batch_seq_key" ON "payments" USING btree ("batch_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_case_live_key" ON "payments" USING btree ("case_id") WHERE status in ('pending', 'paid');--> statement-breakpoint
CREATE INDEX "payments_case_idx" ON "payments" USING btree ("case_id");