// The answer of GET /cases (list.ts `listCases`), for the OpenAPI document.
import { z } from 'zod';
import { dateOut, idOut, instantOut, nextCursorOut, yuanOut } from '../domain/formats';
import { stateSchema } from './view-schema';

const caseListItemSchema = z
  .strictObject({
    id: idOut('the case'),
    number: z.string().meta({ example: 'ZJ2026-000042' }),
    state: stateSchema,
    insurance: z.enum(['pendingVerification', 'mismatch', 'verified']).nullable().meta({ description: "the insurance region's state while the case is in review; null otherwise" }),
    version: z.int(),
    city: z.string().meta({ description: 'GB/T 2260 city code', example: '330100' }),
    roundId: idOut('the application round'),
    enterpriseId: idOut('the applicant firm'),
    firmName: z.string().meta({ description: "the applicant firm's name as it stands now" }),
    materialName: z.string().nullable().meta({ description: 'material.name, null while the draft has none' }),
    contractAmount: yuanOut('contract amount').nullable(),
    subsidy: yuanOut('the current subsidy of an approved case, as GET /cases/{id}/subsidy gives it')
      .nullable()
      .meta({ description: 'null before the approval, and to those who do not see the subsidy (an insurer, an expert)' }),
    paidOn: dateOut('the day the subsidy was paid').nullable().meta({ description: 'null until it is paid, and to those who do not see the subsidy' }),
    createdAt: instantOut('opened'),
    submittedAt: instantOut('first submitted').nullable(),
  })
  .meta({ id: 'CaseListItem' });

export const caseListSchema = z
  .strictObject({ items: z.array(caseListItemSchema).meta({ description: 'in the order `sort` asks, newest first by default' }), nextCursor: nextCursorOut })
  .meta({ id: 'CaseList' });
