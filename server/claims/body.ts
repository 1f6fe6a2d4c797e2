import { z } from 'zod';
import { yuanString } from '../domain/money';
import { visibleText } from '../domain/text';
import { CLAIM_KINDS } from '../../workflows/claim/machine';

// The bodies of SPEC §7: POST /cases/:id/claims {occurredOn, kind, amount, description}, and the
// claim events PAY {amount, reference} and DENY {reason}. Money is a yuan string (a JSON number
// is refused) and more than nothing; the paid amount may differ from the claimed one.
const positiveYuan = yuanString.refine((fen) => fen > 0n, { message: 'must be more than 0.00 yuan', params: { messageZh: '金额应大于 0.00 元' } });
const isoDate = z.iso
  .date({ error: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= '1990-01-01' && d <= '2100-12-31', { message: 'must lie between 1990-01-01 and 2100-12-31', params: { messageZh: '日期应在 1990-01-01 至 2100-12-31 之间' } });

export const reportClaimSchema = z
  .strictObject({
    occurredOn: isoDate.meta({ description: 'the day of the loss (Beijing date): inside the policy period, not in the future' }),
    kind: z.enum(CLAIM_KINDS).meta({ description: 'quality risk (replacement or return) or liability risk (the user’s loss, injury or death)' }),
    amount: positiveYuan.meta({ description: 'the amount claimed, in yuan', example: '120000.00' }),
    // zero-width characters put nothing on the page: at least 5 a reader sees
    description: visibleText(5, 4000, 'describe the loss in at least 5 characters', '请用至少 5 个字描述损失'),
  })
  .meta({ id: 'ClaimReport' });
export type ReportClaim = z.output<typeof reportClaimSchema>;

export const claimEventSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('PAY'),
      // more than claimed is allowed: the loss as assessed, and the costs of limiting and assessing it
      // (保险法 第五十七条、第六十四条); the pages ask the insurer to confirm it, the policy's limit caps it
      amount: positiveYuan.meta({ description: 'the amount paid, in yuan; may differ from the amount claimed, more included (the loss as assessed, with costs), within what the liability limit leaves', example: '100000.00' }),
      reference: visibleText(1, 200, 'the payment reference is required', '请填写支付流水号'),
    }),
    z.strictObject({ type: z.literal('DENY'), reason: visibleText(1, 2000, 'the reason is required', '请填写拒赔理由') }),
  ])
  .meta({ id: 'ClaimEvent' });
export type ClaimEventBody = z.output<typeof claimEventSchema>;
