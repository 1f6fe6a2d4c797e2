-- Holds on "replace experts" (a provincial reviewer's task in expert review that waits only while an
-- open assignment is overdue or the panel is short of its quorum) were kept until the case left
-- expert review. From now on the transition that ends the task gives its hold back
-- (server/tasks/only-while.ts); this gives back those already ended, as that rule reads them.
delete from "task_claims" where "task_claims"."task" = 'inReview.review.expert.reviewing' and "task_claims"."role" = 'provincial'
  and not exists (select 1 from "cases" where "cases"."id" = "task_claims"."case_id" and (
    exists (select 1 from clocks late where late.owner_id = "cases"."id" and late.kind = 'expertReview'
      and late.assignee_id is not null and late.overdue and late.status in ('expired', 'running')
      and exists (select 1 from jsonb_array_elements(coalesce("cases"."snapshot"->'context'->'experts', '[]'::jsonb)) a
        where a->>'expertId' = late.assignee_id::text and a->>'status' = any('{assigned,accepted}'::text[])))
    or (select count(*) from jsonb_array_elements(coalesce("cases"."snapshot"->'context'->'experts', '[]'::jsonb)) a
        where a->>'status' = any('{assigned,accepted,scored}'::text[])) < ("cases"."snapshot"->'context'->'expertReview'->>'quorum')::int));
