// The answer of GET /cities, for the OpenAPI document (GET /catalogue/editions: catalogue/view-schema.ts).
import { z } from 'zod';

export const cityListSchema = z
  .strictObject({
    items: z.array(
      z
        .strictObject({
          code: z.string().meta({ description: 'GB/T 2260 code', example: '330100' }),
          name: z.string().meta({ example: '杭州市' }),
          nameEn: z.string().meta({ example: 'Hangzhou' }),
        })
        .meta({ id: 'City' }),
    ),
  })
  .meta({ id: 'CityList' });
