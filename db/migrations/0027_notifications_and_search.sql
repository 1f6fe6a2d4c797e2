DROP INDEX "catalogue_entries_search_idx";--> statement-breakpoint
CREATE INDEX "enterprises_uscc_search_idx" ON "enterprises" USING gin ("uscc" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "cases_material_name_search_idx" ON "cases" USING gin (("material"->>'name') gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "cases_policy_number_search_idx" ON "cases" USING gin ("policy_number_key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id") WHERE read_at is null;--> statement-breakpoint
CREATE INDEX "catalogue_entries_search_idx" ON "catalogue_entries" USING gin (normalize("name" || ' ' || "requirements" || ' ' || "application_field", NFKC) gin_trgm_ops);