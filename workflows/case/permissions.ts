import type { SnapshotFrom } from 'xstate';
import type { Role } from '../../db/schema/accounts';
import type { CaseMachine } from './machine';
import type { ActorRole, CaseEvent, CaseEventType, Permits, ReviewStage } from './types';

// Who may send what, decided here and nowhere else (SPEC §2): the state's declared permits, the
// actor's jurisdiction, and four eyes. Everything fails closed — administrators included.

export interface Actor {
  id: string;
  roles: readonly Role[];
  city: string | null;
  enterpriseId: string | null;
  insurerId: string | null;
  affiliations: readonly string[];
}

export interface CaseFacts {
  enterpriseId: string;
  enterpriseUscc: string;
  enterpriseAffiliations: readonly string[];
  city: string;
  insurerId: string | null;
  submitted: boolean;
  assignedExpertIds: readonly string[];
  /** the case entered `approved`: finance sees it and its money from then on */
  approved: boolean;
}

export type Message = { zh: string; en: string };
export type Decision =
  | { ok: true; role: ActorRole }
  | { ok: false; kind: 'not_now' }
  | { ok: false; kind: 'forbidden'; reason: Message };

type Snapshot = SnapshotFrom<CaseMachine>;

const decisionStage: Partial<Record<Role, ReviewStage>> = { municipal: 'municipal', provincial: 'provincial' };

/** A case that the actor may not see answers 404, so that ids cannot be probed. */
export function canSee(actor: Actor, facts: CaseFacts): boolean {
  return actor.roles.some((role) => seesAs(role, actor, facts));
}

function seesAs(role: Role, actor: Actor, facts: CaseFacts): boolean {
  switch (role) {
    case 'firm':
      return actor.enterpriseId === facts.enterpriseId;
    case 'municipal':
      return facts.submitted && actor.city === facts.city;
    case 'provincial':
      return facts.submitted;
    case 'insurer':
      return facts.submitted && facts.insurerId !== null && actor.insurerId === facts.insurerId;
    case 'expert':
      return facts.assignedExpertIds.includes(actor.id);
    case 'finance':
      return facts.approved;
    case 'admin':
      return false;
  }
}

export function permitsOf(snapshot: Snapshot): Permits {
  const merged: Permits = {};
  for (const meta of Object.values(snapshot.getMeta())) {
    for (const [type, roles] of Object.entries(meta?.may ?? {})) {
      merged[type as CaseEventType] = [...(merged[type as CaseEventType] ?? []), ...(roles ?? [])];
    }
  }
  return merged;
}

export function authorise(snapshot: Snapshot, actor: Actor, facts: CaseFacts, type: CaseEventType): Decision {
  const permitted = permitsOf(snapshot)[type];
  const roles = actor.roles.filter((r) => permitted?.includes(r) && seesAs(r, actor, facts));
  const role = roles[0];
  if (!role) {
    // 409 for "not in this state" (someone else moved the case on); 403 only for "never your event"
    if (!permitted || actor.roles.some((r) => everPermitted(snapshot, type, r))) return { ok: false, kind: 'not_now' };
    return { ok: false, kind: 'forbidden', reason: { zh: '您的角色无权执行此操作', en: 'your role may not do this' } };
  }
  const conflict = fourEyes(snapshot, actor, facts, role);
  return conflict ? { ok: false, kind: 'forbidden', reason: conflict } : { ok: true, role };
}

type StateNodeLike = { meta?: { may?: Permits }; states: Record<string, StateNodeLike> };

/** Whether some state of the chart lets `role` send `type`. */
function everPermitted(snapshot: Snapshot, type: CaseEventType, role: Role): boolean {
  const walk = (node: StateNodeLike): boolean =>
    Boolean(node.meta?.may?.[type]?.includes(role)) || Object.values(node.states).some(walk);
  return walk(snapshot.machine.root as unknown as StateNodeLike);
}

function fourEyes(snapshot: Snapshot, actor: Actor, facts: CaseFacts, role: Role): Message | null {
  if (role !== 'firm') {
    const related =
      actor.enterpriseId === facts.enterpriseId ||
      actor.affiliations.includes(facts.enterpriseUscc) ||
      facts.enterpriseAffiliations.some((uscc) => actor.affiliations.includes(uscc));
    if (related) return { zh: '您与申报企业存在关联，须回避', en: 'you are related to the applicant firm and must recuse yourself' };
  }
  // one person, one part in a case: a reviewer who decided it does not score it, and the reverse
  const onPanel = snapshot.context.experts.some((a) => a.expertId === actor.id && a.status !== 'replaced' && a.status !== 'declined');
  const decided = snapshot.context.decisions.some((d) => d.actorId === actor.id);
  if ((role === 'expert' && decided) || ((role === 'municipal' || role === 'provincial') && onPanel)) {
    return { zh: '同一人不得在同一申请上既作审核决定又担任评审专家', en: 'you cannot both decide this case as a reviewer and score it as an expert' };
  }
  const stage = decisionStage[role];
  if (stage) {
    const other = snapshot.context.decisions.find((d) => d.actorId === actor.id && d.stage !== stage);
    if (other) {
      return {
        zh: '同一人不得在同一申请上作出两个不同环节的决定',
        en: `you already decided this case at the ${other.stage} stage; another person must decide this one`,
      };
    }
  }
  return null;
}

/** Events the actor could send now and that the machine would accept: the buttons a UI shows. */
export function allowedEvents(snapshot: Snapshot, actor: Actor, facts: CaseFacts, at: string): CaseEventType[] {
  const out: CaseEventType[] = [];
  for (const type of Object.keys(permitsOf(snapshot)) as CaseEventType[]) {
    const decision = authorise(snapshot, actor, facts, type);
    if (!decision.ok) continue;
    if (snapshot.can(probe(type, { at, actorId: actor.id, role: decision.role }))) out.push(type);
  }
  return out;
}

// `can` evaluates guards, which read the context and the facts, never a person's payload
function probe(type: CaseEventType, meta: CaseEvent['meta']): CaseEvent {
  return { type, meta } as CaseEvent;
}
