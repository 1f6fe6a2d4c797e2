CREATE TABLE "event_receipts" (
	"event_id" uuid NOT NULL,
	"owner_kind" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"sender_kind" text NOT NULL,
	"sender_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"outcome" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "event_receipts_pkey" PRIMARY KEY("event_id","owner_id")
);
--> statement-breakpoint
ALTER TABLE "clocks" ADD COLUMN "unit" text DEFAULT 'workingDays' NOT NULL;--> statement-breakpoint
ALTER TABLE "clocks" ADD COLUMN "assignee_id" uuid;--> statement-breakpoint
CREATE INDEX "event_receipts_owner_idx" ON "event_receipts" USING btree ("owner_id");--> statement-breakpoint
ALTER TABLE "clocks" ADD CONSTRAINT "clocks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;