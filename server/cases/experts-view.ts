import { z } from 'zod';
import type { User } from '../context';
import type { CaseContext } from '../../workflows/case/types';
import { scoreOf } from '../../workflows/case/scoring';
import { idOut, instantOut } from '../domain/formats';

// Who reviews a case and what they gave (SPEC §2): the provincial reviewer sees every assignment;
// an expert sees their own, and the others' scores only once their own is in; nobody else sees
// the experts at all.

export const assignmentViewSchema = z
  .strictObject({
    expertId: idOut('the expert').nullable().meta({ description: "null where the caller may not know who (another expert's assignment)" }),
    mine: z.boolean().meta({ description: "the caller's own assignment" }),
    status: z.enum(['assigned', 'accepted', 'declined', 'replaced', 'scored']),
    conflict: z.enum(['declared', 'detected']).nullable().meta({ description: 'a conflict of interest keeps the expert from scoring' }),
    note: z.string().nullable().meta({ description: 'why it was declined, or the conflict detected' }),
    scores: z.record(z.string(), z.int()).nullable().meta({ description: 'points per rubric criterion; hidden until the caller may see them' }),
    total: z.number().nullable().meta({ description: 'Σ points × weight' }),
    opinion: z.string().nullable(),
    overdue: z.boolean().meta({ description: "the expert's own deadline has passed without a score: the provincial reviewer may replace them" }),
    assignedAt: instantOut('when assigned'),
  })
  .meta({ id: 'ExpertAssignment' });

export type AssignmentView = z.output<typeof assignmentViewSchema>;

export function expertsView(context: Partial<CaseContext>, user: User, overdue: ReadonlySet<string> = new Set()): AssignmentView[] {
  const experts = context.experts ?? [];
  const rubric = context.expertReview?.rubric;
  const provincial = user.roles.includes('provincial');
  const own = experts.find((a) => a.expertId === user.id && a.status !== 'replaced');
  if (!provincial && !(user.roles.includes('expert') && own)) return [];
  const ownIn = own?.status === 'scored';
  return experts.map((a) => {
    const mine = a.expertId === user.id;
    const full = provincial || mine;
    const scoresShown = full || ownIn;
    return {
      expertId: full ? a.expertId : null,
      mine,
      status: a.status,
      conflict: full ? a.conflict : null,
      note: full ? a.note : null,
      scores: scoresShown ? a.scores : null,
      total: scoresShown && a.scores && rubric ? scoreOf(rubric, a.scores) : null,
      opinion: scoresShown ? a.opinion : null,
      overdue: full && (a.status === 'assigned' || a.status === 'accepted') && overdue.has(a.expertId),
      assignedAt: a.assignedAt,
    };
  });
}
