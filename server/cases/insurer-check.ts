import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { insurers } from '../../db/schema';
import type { FieldError } from '../errors';

/** A policy must name an insurer the programme knows (whether the round lists it is a §5 rule). */
export async function checkInsurer(tx: Tx, insurerId: string | undefined): Promise<FieldError[]> {
  if (insurerId === undefined) return [];
  const [found] = await tx.select({ id: insurers.id }).from(insurers).where(eq(insurers.id, insurerId));
  return found
    ? []
    : [{ path: 'policy.insurerId', code: 'policy.insurer_unknown', message: 'no insurer has this id; choose one from GET /insurers', messageZh: '保险公司不存在，请从保险公司列表中选择' }];
}
