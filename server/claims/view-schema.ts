// The answers of the claim routes (present.ts, documents.ts), for the OpenAPI document.
import { z } from 'zod';
import { claimKinds } from '../../db/schema/claims';
import { DECISION_EVENTS } from '../../workflows/claim/machine';
import { dateOut, idOut, instantOut, nextCursorOut, yuanOut } from '../domain/formats';

const eventTypes = z.array(z.enum(DECISION_EVENTS)).meta({ description: 'the events the caller may send now' });

export const claimViewSchema = z
  .strictObject({
    id: idOut('the claim'),
    number: z.string().meta({ description: 'the case number and the claim’s place among its claims', example: 'ZJ2026-000042-LP1' }),
    caseId: idOut('the case whose policy it is under'),
    caseNumber: z.string().meta({ example: 'ZJ2026-000042' }),
    state: z.string().meta({ description: 'reported, then paid or denied by the insurer' }),
    version: z.int(),
    kind: z.enum(claimKinds),
    occurredOn: dateOut('the day of the loss'),
    amount: yuanOut('the amount claimed'),
    description: z.string(),
    reportedBy: idOut('the firm’s user who reported it'),
    reportedAt: instantOut('when it was reported'),
    decision: z
      .strictObject({
        decidedBy: idOut('the insurer’s staff member who decided').nullable(),
        decidedAt: instantOut('when'),
        paidAmount: yuanOut('the amount paid').nullable().meta({ description: 'null when denied' }),
        reference: z.string().nullable().meta({ description: 'the payment reference; null when denied' }),
        reason: z.string().nullable().meta({ description: 'why it was denied; null when paid' }),
      })
      .nullable()
      .meta({ description: 'the insurer’s decision; null while reported' }),
    allowedEvents: eventTypes,
  })
  .meta({ id: 'Claim' });

export const claimListSchema = z
  .strictObject({ items: z.array(claimViewSchema).meta({ description: 'newest first' }), nextCursor: nextCursorOut })
  .meta({ id: 'ClaimList' });

export const claimEventResultSchema = z
  .strictObject({ id: idOut('the claim'), state: z.string(), version: z.int(), allowedEvents: eventTypes })
  .meta({ id: 'ClaimEventResult' });

export const claimDocumentSchema = z
  .strictObject({
    id: idOut('the document'),
    claimId: idOut('the claim'),
    version: z.int().meta({ description: '1, 2, … in upload order' }),
    fileName: z.string().meta({ example: '损失清单.pdf' }),
    mediaType: z.string().meta({ description: 'decided from the content', example: 'application/pdf' }),
    sizeBytes: z.int(),
    sha256: z.string().meta({ description: 'SHA-256 of the content, hex' }),
    uploadedBy: idOut('the uploader'),
    createdAt: instantOut('uploaded'),
    href: z.string().meta({ description: 'where the file itself is downloaded', example: '/api/v1/claims/{id}/documents/{docId}' }),
  })
  .meta({ id: 'ClaimDocument' });

export const claimDocumentListSchema = z
  .strictObject({ items: z.array(claimDocumentSchema).meta({ description: 'in upload order' }) })
  .meta({ id: 'ClaimDocumentList' });

const claimsListItemSchema = z
  .strictObject({
    id: idOut('the claim'),
    number: z.string().meta({ example: 'ZJ2026-000042-LP1' }),
    caseId: idOut('the case whose policy it is under'),
    caseNumber: z.string().meta({ example: 'ZJ2026-000042' }),
    firmName: z.string().meta({ description: "the applicant firm's name as it stands now" }),
    insurerId: idOut('the policy’s insurer').nullable(),
    insurerName: z.string().nullable(),
    kind: z.enum(claimKinds),
    occurredOn: dateOut('the day of the loss'),
    amount: yuanOut('the amount claimed'),
    paidAmount: yuanOut('the amount paid').nullable().meta({ description: 'null until paid, and when denied' }),
    state: z.string().meta({ description: 'reported, then paid or denied by the insurer' }),
    reportedAt: instantOut('when it was reported'),
    decidedAt: instantOut('when the insurer decided').nullable(),
  })
  .meta({ id: 'ClaimsListItem' });

export const claimsListSchema = z
  .strictObject({ items: z.array(claimsListItemSchema).meta({ description: 'newest first' }), nextCursor: nextCursorOut })
  .meta({ id: 'ClaimsList' });
