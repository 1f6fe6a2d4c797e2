import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { insurers } from '../../db/schema';
import type { Db } from '../../db/client';
import type { ServiceContext } from '../context';
import { AppError } from '../errors';
import { requireAdmin } from '../rounds/access';
import { violatedUniqueIndex } from '../../db/errors';

export const insurerCreateSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'name is required').max(200).meta({ description: 'full company name, e.g. 中国人民财产保险股份有限公司' }),
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2–32 letters, digits, _ or -')
      .meta({ description: 'short code, unique whatever its letter case, e.g. PICC' }),
  })
  .meta({ id: 'InsurerCreate' });

export type InsurerCreate = z.output<typeof insurerCreateSchema>;

// `PICC` and `picc` are one insurer: the unique index insurers_code_key is on lower(code)
const sameCode = (code: string) => eq(sql`lower(${insurers.code})`, code.toLowerCase());

function taken(code: string) {
  const message = `an insurer with code ${code} already exists`;
  return new AppError('conflict', message, [{ path: 'code', code: 'insurer.code_taken', message, messageZh: `保险公司代码 ${code} 已存在（不区分大小写）` }]);
}

/** The conflict names the code as it is stored, which may differ in letter case from the one sent. */
async function takenBy(db: Db, code: string) {
  const [existing] = await db.select({ code: insurers.code }).from(insurers).where(sameCode(code));
  return taken(existing?.code ?? code);
}

/** An administrator adds an insurer that rounds may then approve (SPEC §2). */
export async function createInsurer(ctx: ServiceContext, body: InsurerCreate) {
  requireAdmin(ctx, 'add insurers');
  try {
    return await ctx.app.db.transaction(async (tx) => {
      const [existing] = await tx.select({ code: insurers.code }).from(insurers).where(sameCode(body.code));
      if (existing) throw taken(existing.code);
      const [row] = await tx.insert(insurers).values({ name: body.name, code: body.code, createdAt: ctx.app.clock.now() }).returning();
      if (!row) throw new Error('insurer insert returned nothing');
      return { id: row.id, name: row.name, code: row.code };
    });
  } catch (err) {
    // two administrators adding the same code at once: the unique index decides
    if (violatedUniqueIndex(err) !== undefined) throw await takenBy(ctx.app.db, body.code);
    throw err;
  }
}
