import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { insurers } from '../../db/schema';
import type { ServiceContext } from '../context';
import { conflict } from '../errors';
import { requireAdmin } from '../rounds/access';

export const insurerCreateSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'name is required').max(200).meta({ description: 'full company name, e.g. 中国人民财产保险股份有限公司' }),
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2–32 letters, digits, _ or -')
      .meta({ description: 'short unique code, e.g. PICC' }),
  })
  .meta({ id: 'InsurerCreate' });

export type InsurerCreate = z.output<typeof insurerCreateSchema>;

const taken = (code: string) => conflict(`an insurer with code ${code} already exists`);

/** An administrator adds an insurer that rounds may then approve (SPEC §2). */
export async function createInsurer(ctx: ServiceContext, body: InsurerCreate) {
  requireAdmin(ctx, 'add insurers');
  try {
    return await ctx.app.db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: insurers.id }).from(insurers).where(eq(insurers.code, body.code));
      if (existing) throw taken(body.code);
      const [row] = await tx.insert(insurers).values({ name: body.name, code: body.code, createdAt: ctx.app.clock.now() }).returning();
      if (!row) throw new Error('insurer insert returned nothing');
      return { id: row.id, name: row.name, code: row.code };
    });
  } catch (err) {
    // two administrators adding the same code at once: the unique index decides
    if (isUniqueViolation(err)) throw taken(body.code);
    throw err;
  }
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? (err as { cause?: { code?: string } } | null)?.cause?.code;
  return code === '23505';
}
