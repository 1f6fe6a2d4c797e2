import type { cases } from '../../db/schema';
import type { CasePatch } from './body';

type Columns = Partial<typeof cases.$inferInsert>;
type Existing = Pick<typeof cases.$inferSelect, 'material' | 'userUnit' | 'contract' | 'policy'>;

/** Maps a (partial) body onto columns: money to bigint fen columns, the rest merged into jsonb. */
export function bodyToColumns(body: CasePatch, existing: Existing | null): Columns {
  const out: Columns = {};
  if (body.roundId !== undefined) out.roundId = body.roundId;
  if (body.catalogueEntryId !== undefined) out.catalogueEntryId = body.catalogueEntryId;
  if (body.renewalOf !== undefined) out.renewalOf = body.renewalOf;
  if (body.material) out.material = { ...existing?.material, ...body.material };
  if (body.userUnit) out.userUnit = { ...existing?.userUnit, ...body.userUnit };
  if (body.contract) {
    const { amount, ...rest } = body.contract;
    out.contract = { ...existing?.contract, ...rest };
    if (amount !== undefined) out.contractAmountFen = amount;
  }
  if (body.policy) {
    const { insurerId, liabilityLimit, premium, ...rest } = body.policy;
    out.policy = { ...existing?.policy, ...rest };
    if (insurerId !== undefined) out.insurerId = insurerId;
    if (liabilityLimit !== undefined) out.liabilityLimitFen = liabilityLimit;
    if (premium !== undefined) out.premiumFen = premium;
  }
  return out;
}
