import type { ServiceContext } from '../context';
import { AppError } from '../errors';
import { zh } from '../pages/i18n/zh';
import { en } from '../pages/i18n/en';

/** Who reads a round's money (SPEC §2): finance, who pays it, and the provincial department, who approves it. */
export const REPORT_READERS = ['finance', 'provincial'] as const;

/** The route's gate refuses everyone else first; the verbs check again, so that no other caller reaches the figures. */
export function assertReportReader(ctx: ServiceContext): void {
  if (ctx.user.roles.some((r) => (REPORT_READERS as readonly string[]).includes(r))) return;
  const message = 'only finance and provincial reviewers read round reports';
  throw new AppError('forbidden', message, [{ path: 'role', code: 'role.forbidden', message, messageZh: '只有财务人员和省级审核人员可以查看批次报表' }]);
}

/** States whose subsidy has been paid out: paid, and the recovery that may follow (workflows/case/subsidy.ts). */
export const PAID_STATES = ['paid', 'recovery', 'recovered'] as const;

// The message catalogues list the states in workflow order, draft to recovered.
const ORDER = Object.keys(zh.states);

/** A state's place in the workflow; a state the catalogue does not know goes last. */
export const stateOrder = (state: string): number => {
  const i = ORDER.indexOf(state);
  return i === -1 ? ORDER.length : i;
};

export const stateName = (state: string): { zh: string; en: string } => ({
  zh: zh.states[state] ?? state,
  en: en.states[state] ?? state,
});
