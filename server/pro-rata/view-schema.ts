// The answer of the pro-rata routes (present.ts `proposalView`), for the OpenAPI document.
import { z } from 'zod';
import { idOut, instantOut, yuanOut } from '../domain/formats';

export const proRataProposalSchema = z
  .strictObject({
    id: idOut('the proposal'),
    roundId: idOut('its round'),
    status: z.enum(['open', 'approved', 'superseded']).meta({ description: 'open until a second finance user approves it or a newer proposal of the round supersedes it' }),
    budget: yuanOut('the round’s budget when proposed'),
    committed: yuanOut('the subsidy of the round’s cases already batched, approved for payment, paid, under recovery or recovered'),
    available: yuanOut('budget − committed (never below zero): what the reduced cases share'),
    total: yuanOut('the subsidy of the reduced cases before the reduction'),
    cases: z
      .array(
        z.strictObject({
          caseId: idOut('the case'),
          caseNumber: z.string(),
          before: yuanOut('its subsidy when proposed'),
          after: yuanOut('its subsidy after the reduction'),
        }),
      )
      .meta({ description: 'the round’s approved, unpaid cases (state calculated), by case number; the afters sum exactly to `available`' }),
    proposedBy: idOut('the finance user who proposed it'),
    proposedAt: instantOut('when it was proposed'),
    approvedBy: idOut('the second finance user who approved it').nullable(),
    approvedAt: instantOut('when it was approved and applied').nullable(),
  })
  .meta({ id: 'ProRataProposal', description: 'a pro-rata reduction (按比例核减) of a round’s approved, unpaid subsidies to its available budget (SPEC §6)' });
export type ProRataProposalView = z.output<typeof proRataProposalSchema>;
