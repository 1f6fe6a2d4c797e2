ALTER TABLE "rounds" ADD COLUMN "expert_quorum" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_experts_idx" ON "cases" USING gin (("snapshot"->'context'->'experts') jsonb_path_ops);--> statement-breakpoint
-- case@1 retires for case@2 (docs/adr/0003-workflow-kernel.md): the chart gained the expert, notice
-- and approval stages and two context fields; a case@1 snapshot reads the same on case@2 once the
-- fields exist, so every case moves over and only case@2 stays registered.
UPDATE "cases" SET "machine_version" = 'case@2', "snapshot" = jsonb_set(jsonb_set("snapshot", '{context,experts}', '[]'::jsonb), '{context,expertReview}', 'null'::jsonb) WHERE "machine_version" = 'case@1';
