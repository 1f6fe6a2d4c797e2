ALTER TABLE "clocks" ADD COLUMN "counted_from" date;--> statement-breakpoint
ALTER TABLE "clocks" ADD COLUMN "counted_days" integer;