import type { enterprises, catalogueEntries } from '../../../db/schema';
import type { FieldError } from '../../errors';
import type { CaseRow, RoundRow } from '../../engine/scope';
import { formatYuan } from '../../domain/money';

export type EnterpriseRow = typeof enterprises.$inferSelect;
export type EntryRow = typeof catalogueEntries.$inferSelect;

/** The previous year's application a renewal points at, as far as the rules need it. */
export interface LinkedCase {
  id: string;
  number: string;
  enterpriseId: string;
  catalogueEntryId: string;
  /** the material's name in its own edition: editions are annual, each with new entry ids */
  entryName: string;
  state: string;
  submittedAt: Date | null;
  roundYear: number;
}

export interface RenewalFacts {
  /** null when `renewalOf` names no case */
  previous: LinkedCase | null;
  /** this case's own entry name, whatever edition the entry is in */
  entryName: string | null;
  /** the other submitted, not ended cases of the product's chain (see renewal-chain.ts) */
  liveMembers: ChainMember[];
}

export interface ChainMember {
  id: string;
  number: string;
  roundYear: number;
}

/** Everything the §5 rules look at, read once inside the SUBMIT transaction. */
export interface SubmissionFacts {
  row: CaseRow;
  round: RoundRow;
  now: Date;
  firm: EnterpriseRow;
  /** the case's entry when it belongs to the round's edition, else null */
  entry: EntryRow | null;
  documentTypes: ReadonlySet<string>;
  duplicate: { number: string } | null;
  renewal: RenewalFacts | null;
}

export type Rule = (f: SubmissionFacts) => FieldError | FieldError[] | null;

export const problem = (code: string, path: string, message: string, messageZh: string): FieldError => ({ code, path, message, messageZh });

/** 15000000n → "150,000.00": amounts a person reads in a message, grouped by thousands. */
export function yuanText(fen: bigint): string {
  const [whole = '0', cents = '00'] = formatYuan(fen).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** States that end an application without a subsidy: such a case neither duplicates nor renews. */
export { DEAD_STATES } from '../../../workflows/case/chart';
