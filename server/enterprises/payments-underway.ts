import { and, asc, eq } from 'drizzle-orm';
import { cases, disbursementBatches, payments } from '../../db/schema';
import type { DbOrTx } from '../../db/client';

/** One of the firm's applications a live disbursement batch is to pay, and the account it copied then. */
export interface PaymentUnderway {
  caseId: string;
  caseNumber: string;
  batchNumber: string;
  /** draft, submitted or approved: the states a batch with a pending payment is in */
  batchState: string;
  bankName: string;
  accountLast4: string;
}

const last4 = (account: string) => account.replace(/[^0-9A-Za-z]/g, '').slice(-4);

/**
 * The firm's payments still pending (server/batches/eligible.ts `liveBatchOf`: a pending payment is
 * what holds a case in a live batch). A batch copies payee and account when the case is put in it
 * (db/schema/batches.ts), so a change of the firm's bank afterwards does not reach these: they are
 * paid to the copied account; only a failed or cancelled payment lets the case into a later batch,
 * which copies the account then on record.
 */
export async function paymentsUnderway(db: DbOrTx, enterpriseId: string): Promise<PaymentUnderway[]> {
  const rows = await db
    .select({ caseId: cases.id, caseNumber: cases.number, batchNumber: disbursementBatches.number, batchState: disbursementBatches.state, bankName: payments.bankName, bankAccount: payments.bankAccount })
    .from(payments)
    .innerJoin(cases, eq(cases.id, payments.caseId))
    .innerJoin(disbursementBatches, eq(disbursementBatches.id, payments.batchId))
    .where(and(eq(cases.enterpriseId, enterpriseId), eq(payments.status, 'pending')))
    .orderBy(asc(disbursementBatches.number), asc(cases.number));
  return rows.map(({ bankAccount, ...r }) => ({ ...r, accountLast4: last4(bankAccount) }));
}
