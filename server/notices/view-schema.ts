// The answers of the notice routes, for the OpenAPI document (present.ts, public.ts write them).
// The public answers carry no personal data: no contact names, emails, phones or bank accounts.
import { z } from 'zod';
import { dateOut, idOut, instantOut, nextCursorOut, yuanOut } from '../domain/formats';
import { objectionStatuses } from '../../db/schema/notices';

const numberOut = z.string().meta({ description: 'human-facing number, per year', example: 'GS2026-001' });
const stateOut = z.enum(['open', 'closed']).meta({ description: 'open during its period, closed after it' });
const period = {
  startsOn: dateOut('the first working day of the notice period (the working day after publication)'),
  endsOn: dateOut('its last working day; objections are accepted until 23:59:59 Beijing time that day'),
};

export const noticeViewSchema = z
  .strictObject({
    id: idOut('the notice'),
    number: numberOut,
    state: z.string().meta({ description: 'open or closed' }),
    version: z.int(),
    roundId: idOut('the round of its cases'),
    openedAt: instantOut('when it was published'),
    ...period,
    closedAt: instantOut('when its period ended').nullable(),
    caseIds: z.array(idOut('a member case')).meta({ description: 'its cases, in id order' }),
  })
  .meta({ id: 'Notice' });

const publicCaseSchema = z
  .strictObject({
    caseId: idOut('the case, to name in an objection'),
    caseNumber: z.string().meta({ example: 'ZJ2026-000042' }),
    firmName: z.string().meta({ description: 'the applicant firm' }),
    materialName: z.string().meta({ description: 'the material as the firm named it' }),
    catalogueEntry: z.strictObject({ seq: z.int().meta({ description: '序号 in the catalogue edition' }), name: z.string() }),
    proposedSubsidy: yuanOut("the subsidy proposed: while the notice runs, S by the round's rule from the case's figures (the per-firm cap and a pro-rata reduction may lower it on approval); once approved, the amount fixed then").nullable(),
    underObjection: z.boolean().meta({ description: 'an objection against it is being examined' }),
    notGranted: z
      .enum(['rejected', 'withdrawn'])
      .nullable()
      .meta({ description: 'the case was put on the notice but gets no subsidy: rejected (an objection was upheld) or withdrawn by the firm; proposedSubsidy is then null' }),
  })
  .meta({ id: 'PublicNoticeCase' });

const publicNoticeFields = {
  id: idOut('the notice'),
  number: numberOut,
  state: stateOut,
  publishedAt: instantOut('when it was published'),
  ...period,
};

export const publicNoticeListSchema = z
  .strictObject({
    items: z.array(z.strictObject({ ...publicNoticeFields, caseCount: z.int() }).meta({ id: 'PublicNoticeSummary' })).meta({ description: 'newest first' }),
    nextCursor: nextCursorOut,
  })
  .meta({ id: 'PublicNoticeList' });

export const publicNoticeSchema = z.strictObject({ ...publicNoticeFields, cases: z.array(publicCaseSchema) }).meta({ id: 'PublicNotice' });

export const objectionReceiptSchema = z
  .strictObject({
    id: idOut('the objection'),
    reference: z.string().meta({ description: "the reference to quote: the notice's number and the short form of the objection's id", example: 'GS2026-003-1A2B3C4D' }),
    noticeId: idOut('the notice'),
    caseId: idOut('the case objected to'),
    status: z.literal('open'),
    receivedAt: instantOut('when it was received'),
    resolveBy: dateOut('the last working day for the provincial reviewers to resolve it (SPEC §4: 10 working days), Asia/Shanghai').nullable(),
  })
  .meta({ id: 'ObjectionReceipt' });

// what the provincial reviewer reads of the objections to a case: personal data, never public
export const objectionListSchema = z
  .strictObject({
    items: z
      .array(
        z
          .strictObject({
            id: idOut('the objection, to name in RESOLVE_OBJECTION'),
            noticeId: idOut('the notice it was filed on'),
            noticeNumber: numberOut,
            name: z.string().meta({ description: 'who objected, as they gave it' }),
            contact: z.string().nullable().meta({ description: 'their email address or phone number, if they gave one' }),
            reason: z.string(),
            status: z.enum(objectionStatuses).meta({ description: 'open until resolved; moot when the case was decided otherwise while it was open' }),
            receivedAt: instantOut('when it was filed'),
            resolution: z
              .strictObject({ reason: z.string(), by: idOut('who resolved it').nullable(), at: instantOut('when') })
              .nullable()
              .meta({ description: 'null while open' }),
          })
          .meta({ id: 'Objection' }),
      )
      .meta({ description: 'oldest first' }),
  })
  .meta({ id: 'ObjectionList' });
