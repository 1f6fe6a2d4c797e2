import { unprocessable } from '../errors';
import { violatedUniqueIndex } from '../../db/errors';

/**
 * The unique index cases_live_duplicate_key (db/schema/cases.ts) refused a second live application
 * of one firm for the same entry, user unit and policy number (its normalised key): two
 * submissions racing, or an edit of a returned case into a copy of a live one. Either way it is
 * the §5 duplicate rule, not a 500.
 */
export function duplicateRace(err: unknown): never {
  if (violatedUniqueIndex(err) === 'cases_live_duplicate_key') {
    throw unprocessable('the application cannot be submitted yet', [
      {
        path: 'policy.number',
        code: 'case.duplicate',
        message: 'another live application of your firm has the same catalogue entry, user unit and policy number',
        messageZh: '贵企业已有相同目录材料、用户单位和保单号的在办申请',
      },
    ]);
  }
  throw err;
}
