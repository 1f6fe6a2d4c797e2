import { sql, type SQL } from 'drizzle-orm';

/**
 * The relation rule of workflows/batch/permissions.ts `fourEyes` (SPEC §2) as SQL: a member firm of
 * the batch — every payment counts, cancelled ones too, as readBatch reads them — is the person's
 * own firm, or its code or one of its declared affiliates is among the person's affiliations. The
 * person is given as SQL: a users row's columns (who an email reaches) or one person's values (their inbox).
 */
export function relatedToBatch(batchId: SQL, person: { enterpriseId: SQL; affiliations: SQL }): SQL {
  return sql`exists (select 1 from payments p join cases c on c.id = p.case_id join enterprises e on e.id = c.enterprise_id
    where p.batch_id = ${batchId} and (e.id = ${person.enterpriseId} or e.uscc = any(${person.affiliations}) or e.affiliations && ${person.affiliations}))`;
}
