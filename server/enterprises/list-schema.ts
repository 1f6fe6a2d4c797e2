// The query and the answer of GET /enterprises (list.ts `listEnterprises`), for the OpenAPI document.
import { z } from 'zod';
import { dateOut, idOut, instantOut, nextCursorOut } from '../domain/formats';

export const enterpriseListQuerySchema = z.strictObject({
  q: z
    .string()
    .trim()
    .max(50, 'at most 50 characters')
    .optional()
    .meta({ description: "a part of the firm's name or of its unified social credit code, matched literally and case-insensitively, within the firms the caller may see" }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export type EnterpriseListQuery = z.output<typeof enterpriseListQuerySchema>;

const enterpriseListItemSchema = z
  .strictObject({
    id: idOut('the firm: its profile is GET /enterprises/{id}'),
    name: z.string(),
    uscc: z.string().meta({ description: 'unified social credit code', example: '91330100MA2XXXXXX1' }),
    city: z.string().meta({ description: 'GB/T 2260 city code', example: '330100' }),
    cityName: z.string().nullable(),
    profileComplete: z.boolean().meta({ description: 'whether the profile has what SUBMIT needs (valid USCC, city, bank): `missing` of GET /enterprises/{id} is empty' }),
    missing: z.array(z.string()).meta({ description: 'the fields still missing, as GET /enterprises/{id} names them' }),
    applications: z.int().meta({ description: "the firm's applications the caller sees (a reviewer: submitted ones; drafts are the firm's own)" }),
    liveApplications: z.int().meta({ description: 'of those, the ones still live: not withdrawn, rejected or lapsed' }),
    bannedUntil: dateOut('the last day of the ban from the programme a recovery set (Asia/Shanghai, inclusive), while it lasts; null when the firm is not barred').nullable(),
    createdAt: instantOut('registered'),
  })
  .meta({ id: 'EnterpriseListItem' });

export const enterpriseListSchema = z
  .strictObject({ items: z.array(enterpriseListItemSchema).meta({ description: 'newest registered first' }), nextCursor: nextCursorOut })
  .meta({ id: 'EnterpriseList' });
