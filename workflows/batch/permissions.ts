import type { SnapshotFrom } from 'xstate';
import type { Role } from '../../db/schema/accounts';
import type { Actor, Message } from '../case/permissions';
import type { BatchEvent, BatchMachine, BatchStateMeta } from './machine';
import type { BatchEventType } from './events';

// Who may send what to a disbursement batch (SPEC §2), decided here and nowhere else: the state's
// declared permits and four eyes. Everything fails closed — administrators included.

/** What the batch's row lock reads with it: its member firms, for the relation rule. */
export interface BatchFacts {
  firmIds: readonly string[];
  firmUsccs: readonly string[];
  /** the USCCs the member firms declared as affiliates */
  firmAffiliations: readonly string[];
}

export type BatchDecision = { ok: true; role: Role } | { ok: false; kind: 'not_now' } | { ok: false; kind: 'forbidden'; reason: Message };

type Snapshot = SnapshotFrom<BatchMachine>;
type Permits = Partial<Record<BatchEventType, readonly (Role | 'system')[]>>;

// finance makes and pays batches; provincial reviewers read them (and their history) to oversee
const READERS: readonly Role[] = ['finance', 'provincial'];

/** A batch that the caller may not read answers 404 (the routes refuse other roles first). */
export function canSeeBatch(actor: Pick<Actor, 'roles'>): boolean {
  return actor.roles.some((r) => READERS.includes(r));
}

export function permitsOf(snapshot: Snapshot): Permits {
  const merged: Permits = {};
  for (const meta of Object.values(snapshot.getMeta() as Record<string, BatchStateMeta | undefined>)) {
    for (const [type, roles] of Object.entries(meta?.may ?? {})) {
      merged[type as BatchEventType] = [...(merged[type as BatchEventType] ?? []), ...(roles ?? [])];
    }
  }
  return merged;
}

export function authorise(snapshot: Snapshot, actor: Actor, facts: BatchFacts, type: BatchEventType): BatchDecision {
  const permitted = permitsOf(snapshot)[type] ?? [];
  const role = actor.roles.find((r) => permitted.includes(r));
  if (!role) {
    // 409 for "not in this state" (someone else moved the batch on); 403 only for "never your event"
    if (actor.roles.some((r) => everPermitted(snapshot, type, r))) return { ok: false, kind: 'not_now' };
    return { ok: false, kind: 'forbidden', reason: { zh: '您的角色无权执行此操作', en: 'your role may not do this' } };
  }
  const conflict = fourEyes(snapshot, actor, facts, type);
  return conflict ? { ok: false, kind: 'forbidden', reason: conflict } : { ok: true, role };
}

type StateNodeLike = { meta?: BatchStateMeta; states: Record<string, StateNodeLike> };

function everPermitted(snapshot: Snapshot, type: BatchEventType, role: Role): boolean {
  const walk = (node: StateNodeLike): boolean => Boolean(node.meta?.may?.[type]?.includes(role)) || Object.values(node.states).some(walk);
  return walk(snapshot.machine.root as unknown as StateNodeLike);
}

/** SPEC §2: nobody acts on the money of a firm they are related to; the creator of a batch cannot approve it. */
export function fourEyes(snapshot: Snapshot, actor: Actor, facts: BatchFacts, type: BatchEventType): Message | null {
  const related =
    (actor.enterpriseId !== null && facts.firmIds.includes(actor.enterpriseId)) ||
    facts.firmUsccs.some((uscc) => actor.affiliations.includes(uscc)) ||
    facts.firmAffiliations.some((uscc) => actor.affiliations.includes(uscc));
  if (related) return { zh: '您与批次中的申报企业存在关联，须回避', en: 'you are related to a firm in this batch and must recuse yourself' };
  // approving and returning are the second person's decision
  const { createdBy, submittedBy } = snapshot.context;
  if ((type === 'APPROVE' || type === 'RETURN') && (actor.id === createdBy || actor.id === submittedBy)) {
    return {
      zh: '拨付批次须由创建人和提交人以外的另一名财务人员审批',
      en: 'a disbursement batch is approved or returned by a finance user other than the one who created or submitted it',
    };
  }
  return null;
}

/** Events the actor could send now and that the machine would accept: the buttons a UI shows. */
export function allowedBatchEvents(snapshot: Snapshot, actor: Actor, facts: BatchFacts, at: string): BatchEventType[] {
  const out: BatchEventType[] = [];
  for (const type of Object.keys(permitsOf(snapshot)) as BatchEventType[]) {
    if (type === 'CREATE') continue;
    const decision = authorise(snapshot, actor, facts, type);
    if (!decision.ok) continue;
    // `can` evaluates guards, which read facts and the context, never a person's payload
    if (snapshot.can({ type, meta: { at, actorId: actor.id, role: decision.role } } as BatchEvent)) out.push(type);
  }
  return out;
}

/**
 * Events this state lets the actor's role send that the four-eyes or relation rule refuses to this
 * person, with the rule's own words: a UI shows why there is no button instead of guessing.
 */
export function refusedBatchEvents(snapshot: Snapshot, actor: Actor, facts: BatchFacts): { type: BatchEventType; reason: Message }[] {
  const out: { type: BatchEventType; reason: Message }[] = [];
  for (const [type, roles] of Object.entries(permitsOf(snapshot)) as [BatchEventType, readonly (Role | 'system')[]][]) {
    if (type === 'CREATE' || !actor.roles.some((r) => roles.includes(r))) continue;
    const decision = authorise(snapshot, actor, facts, type);
    if (!decision.ok && decision.kind === 'forbidden') out.push({ type, reason: decision.reason });
  }
  return out;
}
