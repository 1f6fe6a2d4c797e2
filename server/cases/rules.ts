import type { Tx } from '../../db/client';
import type { FieldError } from '../errors';
import type { CaseRow, RoundRow } from '../engine/scope';
import { loadFacts } from './rules/facts';
import type { Rule } from './rules/problem';
import { eligibilityRules } from './rules/eligibility';
import { requiredRules } from './rules/required';
import { userUnitRules } from './rules/user-unit';
import { contractPolicyRules } from './rules/contract-policy';
import { linkRules } from './rules/links';

// SPEC §5: SUBMIT and RESUBMIT are refused with the complete list of reasons, each with a stable
// code, a field path and words in Chinese and English. Every rule runs; none stops the others.
const rules: Rule[] = [...eligibilityRules, ...requiredRules, ...userUnitRules, ...contractPolicyRules, ...linkRules];

/** The `validate` hook of applyEvent: `now` is the event's time, not the wall clock. */
export function submissionProblems(now: Date) {
  return async (tx: Tx, row: CaseRow, round: RoundRow | Promise<RoundRow>): Promise<FieldError[]> => {
    const facts = await loadFacts(tx, row, round, now);
    return rules.flatMap((rule) => rule(facts) ?? []);
  };
}
