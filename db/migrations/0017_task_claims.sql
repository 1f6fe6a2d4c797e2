CREATE TABLE "task_claims" (
	"case_id" uuid NOT NULL,
	"role" text NOT NULL,
	"user_id" uuid NOT NULL,
	"task" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "task_claims_pkey" PRIMARY KEY("case_id","role")
);
--> statement-breakpoint
ALTER TABLE "task_claims" ADD CONSTRAINT "task_claims_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_claims" ADD CONSTRAINT "task_claims_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_claims_user_idx" ON "task_claims" USING btree ("user_id");