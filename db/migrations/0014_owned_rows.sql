-- Owned rows (docs/adr/0003-workflow-kernel.md): history, clocks, timers, email deliveries and
-- notifications belong to an owner (kind + id), no longer to a case only. Written by hand so that
-- every existing row keeps its data: columns are renamed, never dropped and re-added.
ALTER TABLE "case_history" RENAME TO "history";--> statement-breakpoint
ALTER TABLE "history" RENAME CONSTRAINT "case_history_pkey" TO "history_pkey";--> statement-breakpoint
ALTER SEQUENCE "case_history_id_seq" RENAME TO "history_id_seq";--> statement-breakpoint
ALTER TABLE "history" DROP CONSTRAINT "case_history_case_id_cases_id_fk";--> statement-breakpoint
DROP INDEX "case_history_case_seq_key";--> statement-breakpoint
ALTER TABLE "history" RENAME COLUMN "case_id" TO "owner_id";--> statement-breakpoint
ALTER TABLE "history" ADD COLUMN "owner_kind" text NOT NULL DEFAULT 'case';--> statement-breakpoint
ALTER TABLE "history" ALTER COLUMN "owner_kind" DROP DEFAULT;--> statement-breakpoint
CREATE UNIQUE INDEX "history_owner_seq_key" ON "history" USING btree ("owner_kind","owner_id","seq");--> statement-breakpoint
-- the audit trail stays append-only under its new name
CREATE OR REPLACE FUNCTION history_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'history is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
DROP TRIGGER "case_history_append_only" ON "history";--> statement-breakpoint
DROP TRIGGER "case_history_no_truncate" ON "history";--> statement-breakpoint
DROP FUNCTION case_history_refuse_change();--> statement-breakpoint
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON "history" FOR EACH ROW EXECUTE FUNCTION history_refuse_change();--> statement-breakpoint
CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON "history" FOR EACH STATEMENT EXECUTE FUNCTION history_refuse_change();--> statement-breakpoint
ALTER TABLE "clocks" DROP CONSTRAINT "clocks_case_id_cases_id_fk";--> statement-breakpoint
DROP INDEX "clocks_case_kind_idx";--> statement-breakpoint
ALTER TABLE "clocks" RENAME COLUMN "case_id" TO "owner_id";--> statement-breakpoint
ALTER TABLE "clocks" ADD COLUMN "owner_kind" text NOT NULL DEFAULT 'case';--> statement-breakpoint
ALTER TABLE "clocks" ALTER COLUMN "owner_kind" DROP DEFAULT;--> statement-breakpoint
CREATE INDEX "clocks_owner_kind_idx" ON "clocks" USING btree ("owner_id","kind");--> statement-breakpoint
ALTER TABLE "timers" DROP CONSTRAINT "timers_case_id_cases_id_fk";--> statement-breakpoint
ALTER TABLE "timers" RENAME COLUMN "case_id" TO "owner_id";--> statement-breakpoint
ALTER TABLE "timers" ADD COLUMN "owner_kind" text NOT NULL DEFAULT 'case';--> statement-breakpoint
ALTER TABLE "timers" ALTER COLUMN "owner_kind" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_case_id_cases_id_fk";--> statement-breakpoint
DROP INDEX "email_deliveries_case_idx";--> statement-breakpoint
ALTER TABLE "email_deliveries" RENAME COLUMN "case_id" TO "owner_id";--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD COLUMN "owner_kind" text;--> statement-breakpoint
UPDATE "email_deliveries" SET "owner_kind" = 'case' WHERE "owner_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "email_deliveries_owner_idx" ON "email_deliveries" USING btree ("owner_id");--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_case_id_cases_id_fk";--> statement-breakpoint
ALTER TABLE "notifications" RENAME COLUMN "case_id" TO "owner_id";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "owner_kind" text;--> statement-breakpoint
UPDATE "notifications" SET "owner_kind" = 'case' WHERE "owner_id" IS NOT NULL;
