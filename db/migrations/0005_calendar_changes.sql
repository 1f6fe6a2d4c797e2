CREATE TABLE "calendar_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"changed_by" uuid NOT NULL,
	"request_id" text,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"recomputed_clock_ids" uuid[] NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "calendar_changes_year_idx" ON "calendar_changes" USING btree ("year","at");