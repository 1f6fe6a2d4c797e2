import { formatYuan } from '../domain/money';
import type { DecisionEventType } from '../../workflows/claim/machine';
import type { ClaimFacts, ClaimRow } from './scope';

/** A claim as the firm, the insurer and the reviewers see it. */
export function claimView(row: ClaimRow, facts: Pick<ClaimFacts, 'caseNumber'>, allowedEvents: DecisionEventType[]) {
  return {
    id: row.id,
    number: row.number,
    caseId: row.caseId,
    caseNumber: facts.caseNumber,
    state: row.state,
    version: row.version,
    kind: row.kind,
    occurredOn: row.occurredOn,
    amount: formatYuan(row.amountFen),
    description: row.description,
    reportedBy: row.reportedBy,
    reportedAt: row.reportedAt.toISOString(),
    decision:
      row.decidedAt === null
        ? null
        : {
            decidedBy: row.decidedBy,
            decidedAt: row.decidedAt.toISOString(),
            paidAmount: row.paidFen === null ? null : formatYuan(row.paidFen),
            reference: row.paymentReference,
            reason: row.denialReason,
          },
    allowedEvents,
  };
}
export type ClaimView = ReturnType<typeof claimView>;
