import { asc } from 'drizzle-orm';
import { insurers } from '../../db/schema';
import type { ServiceContext } from '../context';

export async function listInsurers(ctx: ServiceContext) {
  const items = await ctx.app.db.select({ id: insurers.id, name: insurers.name, code: insurers.code }).from(insurers).orderBy(asc(insurers.code));
  return { items };
}
