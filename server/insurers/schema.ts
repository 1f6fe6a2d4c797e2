// The answers of the insurer routes (create.ts, list.ts), for the OpenAPI document.
import { z } from 'zod';
import { idOut } from '../domain/formats';

export const insurerSchema = z
  .strictObject({
    id: idOut('the insurer'),
    name: z.string().meta({ example: '中国人民财产保险股份有限公司' }),
    code: z.string().meta({ description: 'short code, unique whatever its letter case', example: 'PICC' }),
  })
  .meta({ id: 'Insurer' });

export const insurerListSchema = z.strictObject({ items: z.array(insurerSchema).meta({ description: 'by code' }) }).meta({ id: 'InsurerList' });
