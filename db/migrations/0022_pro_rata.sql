-- 按比例核减 (SPEC §6, §7): pro-rata proposals of a round and their cases; an approved proposal is the basis of its subsidy adjustments.
CREATE TABLE "pro_rata_items" (
	"proposal_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"before_fen" bigint NOT NULL,
	"after_fen" bigint NOT NULL,
	CONSTRAINT "pro_rata_items_pkey" PRIMARY KEY("proposal_id","case_id"),
	CONSTRAINT "pro_rata_items_not_raised" CHECK ("pro_rata_items"."after_fen" between 0 and "pro_rata_items"."before_fen")
);
--> statement-breakpoint
CREATE TABLE "pro_rata_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"status" text NOT NULL,
	"budget_fen" bigint NOT NULL,
	"committed_fen" bigint NOT NULL,
	"available_fen" bigint NOT NULL,
	"total_fen" bigint NOT NULL,
	"proposed_by" uuid NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"superseded_at" timestamp with time zone,
	CONSTRAINT "pro_rata_proposals_four_eyes" CHECK ("pro_rata_proposals"."approved_by" is null or "pro_rata_proposals"."approved_by" <> "pro_rata_proposals"."proposed_by"),
	CONSTRAINT "pro_rata_proposals_approved" CHECK (("pro_rata_proposals"."status" = 'approved') = ("pro_rata_proposals"."approved_by" is not null and "pro_rata_proposals"."approved_at" is not null)),
	CONSTRAINT "pro_rata_proposals_reduces" CHECK ("pro_rata_proposals"."available_fen" >= 0 and "pro_rata_proposals"."available_fen" < "pro_rata_proposals"."total_fen")
);
--> statement-breakpoint
ALTER TABLE "pro_rata_items" ADD CONSTRAINT "pro_rata_items_proposal_id_pro_rata_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."pro_rata_proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pro_rata_items" ADD CONSTRAINT "pro_rata_items_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pro_rata_proposals" ADD CONSTRAINT "pro_rata_proposals_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pro_rata_proposals" ADD CONSTRAINT "pro_rata_proposals_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pro_rata_proposals" ADD CONSTRAINT "pro_rata_proposals_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pro_rata_items_case_idx" ON "pro_rata_items" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "pro_rata_proposals_round_idx" ON "pro_rata_proposals" USING btree ("round_id","proposed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pro_rata_proposals_one_open_key" ON "pro_rata_proposals" USING btree ("round_id") WHERE "pro_rata_proposals"."status" = 'open';--> statement-breakpoint
ALTER TABLE "subsidy_adjustments" ADD CONSTRAINT "subsidy_adjustments_proposal_id_pro_rata_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."pro_rata_proposals"("id") ON DELETE no action ON UPDATE no action;