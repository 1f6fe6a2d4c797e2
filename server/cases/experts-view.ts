import { z } from 'zod';
import type { User } from '../context';
import type { Assignment, CaseContext } from '../../workflows/case/types';
import { scoreOf } from '../../workflows/case/scoring';
import { idOut, instantOut } from '../domain/formats';
import { rubricSchema } from '../rounds/view-schema';

// Who reviews a case and what they gave (SPEC §2): the provincial reviewer sees every assignment;
// an expert sees their own, and the others' scores only once their own is in; nobody else sees
// the experts at all.

export const assignmentViewSchema = z
  .strictObject({
    expertId: idOut('the expert').nullable().meta({ description: "null where the caller may not know who (another expert's assignment)" }),
    mine: z.boolean().meta({ description: "the caller's own assignment" }),
    panelLetter: z.string().meta({
      description: "the expert's fixed anonymous label on this case's panel — A, B, C, … by the order experts were first assigned to it (评审专家 A): the same to every reader, and kept when the expert is replaced or assigned again",
      example: 'B',
    }),
    status: z.enum(['assigned', 'accepted', 'declined', 'replaced', 'scored']),
    conflict: z.enum(['declared', 'detected']).nullable().meta({ description: 'a conflict of interest keeps the expert from scoring' }),
    note: z.string().nullable().meta({ description: 'why it was declined, or the conflict detected' }),
    scores: z.record(z.string(), z.int()).nullable().meta({ description: 'points per rubric criterion; hidden until the caller may see them' }),
    total: z.number().nullable().meta({ description: 'Σ points × weight' }),
    opinion: z.string().nullable(),
    overdue: z.boolean().meta({ description: "the expert's own deadline has passed without a score: the provincial reviewer may replace them" }),
    unavailable: z.boolean().meta({
      description: "the expert's account was deactivated, or is no longer an expert's, while the assignment is open: they cannot act on it, and the provincial reviewer may replace them (to the provincial reviewer; false to others)",
    }),
    assignedAt: instantOut('when assigned'),
  })
  .meta({ id: 'ExpertAssignment' });

export type AssignmentView = z.output<typeof assignmentViewSchema>;

export const expertReviewViewSchema = z
  .strictObject({
    rubric: rubricSchema.meta({ description: 'the criteria, weights, maximum points and pass mark the experts score against' }),
    quorum: z.int().meta({ description: 'experts whose scores decide the case' }),
  })
  .nullable()
  .meta({
    id: 'ExpertReview',
    description:
      "the rubric and quorum frozen on the case when its experts were first assigned: to provincial reviewers and to each expert of the panel, from the moment they are invited (before they accept); null before assignment and for everyone else",
  });

/** What the experts score against, to those who see the panel (expertsView): an invited expert reads it before accepting. */
export function expertReviewView(context: Partial<CaseContext>, user: User): z.output<typeof expertReviewViewSchema> {
  const review = context.expertReview ?? null;
  const onPanel = user.roles.includes('expert') && (context.experts ?? []).some((a) => a.expertId === user.id && a.status !== 'replaced');
  return review && (user.roles.includes('provincial') || onPanel) ? { rubric: review.rubric, quorum: review.quorum } : null;
}

/** A, B, …, Z, AA, AB, …: the label of the panel's n-th member (from 0). */
function letter(n: number): string {
  const last = String.fromCharCode(65 + (n % 26));
  return n < 26 ? last : `${letter(Math.floor(n / 26) - 1)}${last}`;
}

/**
 * Each panel member's fixed anonymous label, by the order they were first assigned (an expert
 * replaced and invited again keeps theirs): "评审专家 B" is the same person whoever reads it.
 */
export function panelLetters(experts: readonly Pick<Assignment, 'expertId'>[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const a of experts) if (!out.has(a.expertId)) out.set(a.expertId, letter(out.size));
  return out;
}

export function expertsView(context: Partial<CaseContext>, user: User, overdue: ReadonlySet<string> = new Set(), unavailable: ReadonlySet<string> = new Set()): AssignmentView[] {
  const experts = context.experts ?? [];
  const rubric = context.expertReview?.rubric;
  const provincial = user.roles.includes('provincial');
  const own = experts.find((a) => a.expertId === user.id && a.status !== 'replaced');
  if (!provincial && !(user.roles.includes('expert') && own)) return [];
  const ownIn = own?.status === 'scored';
  const letters = panelLetters(experts);
  return experts.map((a) => {
    const mine = a.expertId === user.id;
    const full = provincial || mine;
    const scoresShown = full || ownIn;
    return {
      expertId: full ? a.expertId : null,
      mine,
      panelLetter: letters.get(a.expertId) ?? '',
      status: a.status,
      conflict: full ? a.conflict : null,
      note: full ? a.note : null,
      scores: scoresShown ? a.scores : null,
      total: scoresShown && a.scores && rubric ? scoreOf(rubric, a.scores) : null,
      opinion: scoresShown ? a.opinion : null,
      overdue: full && (a.status === 'assigned' || a.status === 'accepted') && overdue.has(a.expertId),
      unavailable: provincial && (a.status === 'assigned' || a.status === 'accepted') && unavailable.has(a.expertId),
      assignedAt: a.assignedAt,
    };
  });
}
