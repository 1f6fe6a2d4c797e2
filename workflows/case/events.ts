import { z } from 'zod';
import { CLOCK_KINDS } from './clocks';
import { MAX_RUBRIC_CRITERIA } from '../../db/schema/rounds';
import { yuanPlain } from '../../server/domain/money';
import { visibleText } from '../../server/domain/text';

// Every event of the case workflow, defined once: what a person sends (`payload`), the facts the
// service adds because only the database knows them (`facts`), whether nobody but the system may
// send it, and the words for emails. The TypeScript event union (types.ts), the HTTP request
// schema and its OpenAPI entry (server/cases/body.ts) are derived from here; the service's fact
// loaders (server/cases/event-facts.ts) are typed against it.

const reason = z.strictObject({ path: z.string().max(200).optional(), message: visibleText(1, 2000, 'say what is to be corrected', '请说明需要补正的内容') });
// a text of zero-width characters says nothing: it is refused like an empty one
const required = (what: string, zh: string) => visibleText(1, 2000, `${what} is required`, `请填写${zh}`);
const clockKind = z.enum(CLOCK_KINDS);
const candidate = z.strictObject({ expertId: z.uuid(), conflict: z.string().nullable() });
const rubric = z.strictObject({
  criteria: z.array(z.strictObject({ key: z.string(), label: z.string(), maxPoints: z.int(), weight: z.number() })),
  passMark: z.number(),
});

interface EventDefinition<P extends z.ZodRawShape, F extends z.ZodRawShape> {
  payload: P;
  facts?: F;
  /** only the system (a deadline) sends it: not part of the HTTP request schema */
  systemOnly?: true;
  /** checked like a submission (SPEC §5) before the machine sees it */
  submission?: true;
  /** the words an email quotes as the reason */
  reason?: (event: z.output<z.ZodObject<P>>) => string;
  /** further words of the event its emails quote (a payment's date and reference) */
  words?: (event: z.output<z.ZodObject<P>>) => Record<string, string>;
}
const event = <P extends z.ZodRawShape, F extends z.ZodRawShape = Record<never, never>>(d: EventDefinition<P, F>) => d;

export const caseEvents = {
  // the policy's end date travels with a submission: the renewal reminder of an approved case counts to it
  SUBMIT: event({ payload: {}, submission: true, facts: { policyEndsOn: z.iso.date().nullable().optional() } }),
  RESUBMIT: event({
    // the firm's answer to the reasons of the return, for the reviewer who gave them
    payload: {
      response: z
        .string()
        .trim()
        .max(2000, 'at most 2000 characters')
        .optional()
        .meta({ description: "The firm's reply to the reasons the case was returned with (how it was corrected, or why it was not); shown to the reviewer beside them.", example: '保险费率4.5%系按保险公司核定费率确定，已补充上传费率说明。' }),
    },
    submission: true,
    // quoted to the reviewers in the resubmission's email
    reason: (e) => e.response ?? '',
    // the policy or its documents differ from what the insurer verified
    facts: { policyChanged: z.boolean().optional(), policyEndsOn: z.iso.date().nullable().optional() },
  }),
  WITHDRAW: event({ payload: { reason: required('reason', '理由') }, reason: (e) => e.reason }),
  APPROVE: event({ payload: { comment: z.string().max(2000).optional() } }),
  RETURN: event({
    payload: { reasons: z.array(reason).min(1, 'give at least one reason').max(50) },
    reason: (e) => e.reasons.map((r) => (r.path ? `${r.path}: ${r.message}` : r.message)).join('；'),
  }),
  REJECT: event({ payload: { reason: required('reason', '理由') }, reason: (e) => e.reason }),
  // what was verified, kept in the history so that a later change shows
  VERIFY_POLICY: event({ payload: {}, facts: { policyFingerprint: z.string().optional() } }),
  POLICY_MISMATCH: event({ payload: { reason: required('reason', '理由') }, reason: (e) => e.reason }),
  DEADLINE_EXPIRED: event({ payload: { clock: clockKind }, systemOnly: true }),

  // expert review (SPEC §4): the provincial reviewer assigns, each expert accepts or declines, then scores
  ASSIGN_EXPERTS: event({
    payload: {
      expertIds: z.array(z.uuid().toLowerCase()).min(1, 'name at least one expert').max(20),
      // an expert who declined, is overdue or has a conflict, taken off the case
      replaces: z.uuid().toLowerCase().optional(),
    },
    // who each named expert is to this case, and the round's rubric and quorum, frozen at assignment
    // and the experts whose own deadline has passed, or who can no longer act (their account deactivated
    // or no longer an expert's), who may be replaced like one who declined
    facts: { candidates: z.array(candidate), rubric: rubric, quorum: z.int().min(1), overdue: z.array(z.uuid()), unavailable: z.array(z.uuid()).default([]) },
  }),
  // accepting is the expert's declaration that they have no conflict of interest with the firm (SPEC §2):
  // absent, it is false, and the machine refuses the acceptance (expert-guards.ts declaresNoConflict)
  ACCEPT_ASSIGNMENT: event({
    payload: {
      noConflict: z
        .boolean()
        .default(false)
        .meta({ description: 'The expert declares that they have no conflict of interest with the applicant firm and will review independently and impartially; must be true to accept. Kept in the case history.', example: true }),
    },
  }),
  DECLINE_ASSIGNMENT: event({
    payload: { reason: required('reason', '理由'), conflictOfInterest: z.boolean().default(false) },
    reason: (e) => e.reason,
  }),
  SCORE: event({
    payload: {
      // words are not a number (zod's own words say so); a number with a fraction is not whole
      scores: z
        .record(z.string().max(40), z.int({ error: (i) => (typeof i.input === 'number' ? 'points must be a whole number' : undefined) }).min(0, 'points cannot be negative'))
        .refine((s) => Object.keys(s).length <= MAX_RUBRIC_CRITERIA, { error: `a rubric has at most ${MAX_RUBRIC_CRITERIA} criteria`, abort: true }),
      opinion: required('opinion', '评审意见'),
    },
  }),

  // the public notice (公示) and objections to it; the notice and objection services send these
  NOTICE_OPENED: event({ payload: { noticeId: z.uuid() }, systemOnly: true }),
  NOTICE_CLOSED: event({ payload: { noticeId: z.uuid() }, systemOnly: true }),
  OBJECTION: event({ payload: { objectionId: z.uuid() }, systemOnly: true }),
  RESOLVE_OBJECTION: event({
    payload: { objectionId: z.uuid().toLowerCase(), outcome: z.enum(['upheld', 'dismissed']), reason: required('reason', '理由') },
    reason: (e) => e.reason,
  }),

  // the money stage (SPEC §4, §6): a disbursement batch sends these to each of its cases
  BATCHED: event({ payload: { batchId: z.uuid() }, systemOnly: true }),
  UNBATCHED: event({ payload: { batchId: z.uuid() }, systemOnly: true }),
  BATCH_APPROVED: event({ payload: { batchId: z.uuid() }, systemOnly: true }),
  PAID: event({
    payload: { batchId: z.uuid(), paymentId: z.string().min(1), reference: z.string().min(1), paidOn: z.iso.date() },
    systemOnly: true,
    words: (e) => ({ paidOn: e.paidOn, paymentReference: e.reference }),
  }),
  PAYMENT_FAILED: event({ payload: { batchId: z.uuid(), paymentId: z.string().min(1), failure: z.string().min(1) }, systemOnly: true, reason: (e) => e.failure }),
  // a pro-rata reduction approved by a second finance user (server/pro-rata/approve.ts)
  SUBSIDY_REDUCED: event({ payload: { proposalId: z.uuid(), before: z.string(), after: z.string() }, systemOnly: true }),
  // 追回 (SPEC §1): fraud found on a paid case; the firm is barred for the round's ban period
  START_RECOVERY: event({ payload: { reason: required('reason', '理由') }, reason: (e) => e.reason }),
  RECOVERED: event({
    payload: {
      amount: yuanPlain.refine((s) => /[1-9]/.test(s), 'the amount recovered must be more than zero'),
      reference: visibleText(1, 200, 'the bank reference is required', '请填写银行流水号'),
    },
  }),
} as const;

type Defs = typeof caseEvents;
export type CaseEventType = keyof Defs;
type Empty = Record<never, never>;
// zod types an object of no keys as a record of `never`s, which would swallow `type` and `meta`
type Output<S extends z.ZodRawShape> = [keyof S] extends [never] ? Empty : z.output<z.ZodObject<S>>;
type FactsShape<K extends CaseEventType> = Defs[K] extends EventDefinition<infer _P, infer F> ? F : Empty;
export type FactsOf<K extends CaseEventType> = Output<FactsShape<K>>;
export type PayloadOf<K extends CaseEventType> = Output<Defs[K]['payload']>;
/** An event as the machine receives it: its payload, the facts the service looked up, and meta. */
export type CaseEventOf<K extends CaseEventType, M> = { type: K } & PayloadOf<K> & Partial<FactsOf<K>> & { meta: M };

/** Events that need a fact the service looks up before the machine sees them. */
export type EventsWithFacts = { [K in CaseEventType]: [keyof FactsShape<K>] extends [never] ? never : K }[CaseEventType];

export const CASE_EVENT_TYPES = Object.keys(caseEvents) as [CaseEventType, ...CaseEventType[]];

/** The further words an event's emails quote, if it has any. */
export function wordsOf(type: CaseEventType, payload: Record<string, unknown>): Record<string, string> {
  const def: { words?: (e: never) => Record<string, string> } = caseEvents[type];
  return def.words ? def.words(payload as never) : {};
}

/** The words an email quotes as the reason for an event, if it has any. */
export function reasonOf(type: CaseEventType, payload: Record<string, unknown>): string {
  const def: { reason?: (e: never) => string } = caseEvents[type];
  return def.reason ? def.reason(payload as never) : '';
}
