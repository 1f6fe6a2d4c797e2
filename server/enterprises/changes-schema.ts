// The answer of GET /enterprises/:id/changes (changes.ts), for the OpenAPI document.
import { z } from 'zod';
import { idOut, instantOut } from '../domain/formats';

// update.ts records the editable columns that changed, as stored on the row.
const profileFields = z
  .strictObject({
    name: z.string(),
    address: z.string(),
    contactName: z.string(),
    contactPhone: z.string(),
    contactEmail: z.string(),
    bankName: z.string(),
    bankAccount: z.string(),
    affiliations: z.array(z.string()).meta({ description: 'USCCs of affiliated firms' }),
  })
  .partial()
  .meta({ description: 'the changed fields only' });

export const enterpriseChangesSchema = z
  .strictObject({
    items: z
      .array(
        z
          .strictObject({
            id: idOut('the change'),
            changedBy: idOut('the user who changed it'),
            requestId: z.string().nullable(),
            at: instantOut('when'),
            before: profileFields,
            after: profileFields,
          })
          .meta({ id: 'EnterpriseChange' }),
      )
      .meta({ description: 'newest first, at most 200' }),
  })
  .meta({ id: 'EnterpriseChanges' });
