// The answer of GET /tasks (list.ts `listTasks`), for the OpenAPI document.
import { z } from 'zod';
import { clockStatuses } from '../../db/schema/clocks';
import { dateOut, idOut, instantOut, nextCursorOut, yuanOut } from '../domain/formats';

const dueSchema = z
  .strictObject({
    kind: z.string().meta({ description: 'the deadline: the clock of the step (revision, municipalReview, provincialReview, expertReview, objection; payment for a batch whose payments are to be recorded), or roundClosing for a draft, due when its round stops taking submissions' }),
    dueOn: dateOut('the last working day, Asia/Shanghai'),
    dueAt: instantOut("the end of dueOn in Asia/Shanghai; for roundClosing, the round's closing instant"),
    overdue: z.boolean(),
    dueSoon: z.boolean().meta({ description: "neither overdue nor paused, with at most 2 working days left: the lead of the reviewers' reminders (SPEC §4)" }),
    provisional: z.boolean().meta({ description: "the count crosses a year whose official schedule is not published yet" }),
    status: z.enum(clockStatuses).meta({ description: 'running, paused or expired' }),
    remainingWorkingDays: z.int().meta({ description: 'working days from today to dueOn, on the working-day calendar the clocks count with; 0 on the day and once it has passed; for a paused clock, the working days it had left when it paused' }),
  })
  .meta({ id: 'TaskDue' });

export const claimSchema = z
  .strictObject({
    id: idOut('the person holding the task'),
    name: z.string(),
    at: instantOut('when they took it'),
    mine: z.boolean().meta({ description: 'the caller holds it' }),
  })
  .meta({ id: 'TaskClaim' });

const taskSchema = z
  .strictObject({
    caseId: idOut('the case, or the case of the claim').nullable().meta({ description: 'null for a disbursement batch or pro-rata task: each concerns several cases' }),
    roundId: idOut('the round of the case, of the claim\'s case or of the batch'),
    claimId: idOut('the claim to decide, for a claim task').nullable().meta({ description: 'null for a case, batch or pro-rata task' }),
    batchId: idOut('the disbursement batch to approve or whose payments to record, for a batch task').nullable().meta({ description: 'null for a case, claim or pro-rata task' }),
    proRataId: idOut('the pro-rata proposal to approve (/rounds/:roundId/pro-rata/:proRataId), for a pro-rata task').nullable().meta({ description: 'null for a case, claim or batch task' }),
    number: z.string().meta({ description: 'the case number, the claim number for a claim task, the batch number for a batch task, the round\'s name for a pro-rata task', example: 'ZJ2026-000042' }),
    state: z.string().meta({ description: 'the state of the case, the claim or the batch the task is on; open for a pro-rata proposal' }),
    task: z.string().meta({ description: 'what the caller has to do', example: 'municipal review' }),
    taskZh: z.string().meta({ description: '待办事项', example: '市级初审' }),
    via: z
      .enum(['notice', 'batch'])
      .nullable()
      .meta({ description: "where the step is taken when not by an event on the case: a public notice published for it (on the notice publishing page, /review/notices?roundId=&caseId=), or a disbursement batch made of its round's approved cases; null otherwise. A notice task is not taken (POST /tasks/:caseId/claim answers 409)" }),
    materialName: z.string().nullable(),
    firmName: z.string().nullable().meta({ description: 'the firm of the case; for a batch task, the firm all its payments go to, null when they go to several' }),
    batch: z
      .strictObject({
        payments: z.int().meta({ description: 'how many payments the batch holds, cancelled ones left out' }),
        total: yuanOut('their total'),
      })
      .nullable()
      .meta({ description: 'what a batch task pays; null for a case or claim task' }),
    proRata: z
      .strictObject({
        cases: z.int().meta({ description: 'how many approved, unpaid cases the proposal reduces' }),
        total: yuanOut('their subsidy before the reduction'),
        available: yuanOut('what they share after it'),
        proposedBy: z.strictObject({ id: idOut('the finance user who proposed it'), name: z.string() }),
      })
      .nullable()
      .meta({ description: 'what a pro-rata task reduces and who proposed it (the task of every other finance user: four eyes); null for other tasks. It leaves the list once the proposal is approved or superseded by a newer one of the round' }),
    due: dueSchema.nullable().meta({ description: 'the deadline of the task; null when the task has none (a policy to verify, a batch to approve); a draft is due when its round closes, and leaves the list once the round has closed' }),
    claimedBy: claimSchema.nullable().meta({ description: 'who took this task from the shared inbox; null when nobody has, and always for a claim, batch or pro-rata task, which is not taken' }),
  })
  .meta({ id: 'Task' });

export const taskListSchema = z
  .strictObject({ items: z.array(taskSchema).meta({ description: 'soonest deadline first, tasks without one last; tasks due alike (those without a deadline above all) in the order they began waiting, the oldest first: when the case, claim or batch entered the state it waits in' }), nextCursor: nextCursorOut })
  .meta({ id: 'TaskList' });

export const taskClaimedSchema = z
  .strictObject({ caseId: idOut('the case'), role: z.string().meta({ description: 'the role whose task it is' }), claimedBy: claimSchema })
  .meta({ id: 'TaskClaimed' });
