// Answers of GET /cases/:id/history, GET /notices/:id/history, GET /claims/:id/history, GET /disbursements/:id/history and GET /audit/verify (verify.ts), for the OpenAPI document.
import { z } from 'zod';
import { idOut, instantOut } from '../domain/formats';

const historyEntrySchema = z
  .strictObject({
    seq: z.int().meta({ description: '1, 2, 3, … within the case' }),
    eventType: z.string().meta({ description: 'CREATE, EDIT, DOCUMENT_UPLOADED, or a workflow event (SUBMIT, APPROVE, …)', example: 'SUBMIT' }),
    actorId: idOut("who did it; for a case's money events, the finance user whose act on the disbursement batch moved the case; null for the system, and for a person the reader may not know: the programme's staff know everyone, anyone else themself and their own firm's or insurer's people (the role, actorRole, is always given); an expert's step is told to the other readers of the case without its expert").nullable(),
    actorRole: z.string().nullable().meta({ description: 'the role they acted in (firm, municipal, …, system)' }),
    panelLetter: z
      .string()
      .optional()
      .meta({ description: "on a case's expert step whose expert the reader may not know (another expert of the panel, to an expert): the expert's fixed anonymous label on the panel (A, B, …), as the case's `experts[].panelLetter`", example: 'B' }),
    at: instantOut('when'),
    requestId: z.string().nullable().meta({ description: 'the request that did it, to match the logs' }),
    stateBefore: z.string().nullable().meta({ description: 'null for the entry that opened the case' }),
    stateAfter: z.string(),
    payload: z.record(z.string(), z.unknown()).meta({ description: "what the event carried: an edit's fields as sent, an upload's document type and version, reasons, comments, a resubmission's reply to the reasons of the return (`response`, absent when none was given) (money as yuan strings)" }),
    hash: z.string().meta({ description: 'SHA-256 of this entry and the previous hash, hex' }),
  })
  .meta({ id: 'CaseHistoryEntry' });

export const caseHistorySchema = z.strictObject({ items: z.array(historyEntrySchema).meta({ description: 'oldest first' }) }).meta({ id: 'CaseHistory' });

export const noticeHistorySchema = z.strictObject({ items: z.array(historyEntrySchema).meta({ description: 'oldest first' }) }).meta({ id: 'NoticeHistory' });

export const claimHistorySchema = z.strictObject({ items: z.array(historyEntrySchema).meta({ description: 'oldest first' }) }).meta({ id: 'ClaimHistory' });
export const batchHistorySchema = z.strictObject({ items: z.array(historyEntrySchema).meta({ description: 'oldest first' }) }).meta({ id: 'DisbursementBatchHistory' });

export const chainReportSchema = z
  .strictObject({
    caseId: idOut('the case, when a case was checked').optional(),
    noticeId: idOut('the public notice, when a notice was checked').optional(),
    claimId: idOut('the claim, when a claim was checked').optional(),
    batchId: idOut('the disbursement batch, when a batch was checked').optional(),
    valid: z.boolean().meta({ description: 'every entry links to the one before and matches its hash' }),
    entries: z.int().meta({ description: 'entries checked' }),
    firstBrokenSeq: z.int().nullable().meta({ description: 'the first entry that does not check out; null when valid' }),
    problem: z.string().nullable().meta({ description: 'what is wrong with it; null when valid' }),
  })
  .meta({ id: 'ChainReport' });
