import type { CaseView } from '../cases/present';
import type { SubsidyView } from '../cases/subsidy-view';
import type { DocumentList } from '../documents/list';
import { cityByCode } from '../domain/cities';
import { caseClocks } from '../../workflows/case/clocks';
import { Overdue } from './components/badge';
import { DataTable } from './components/table';
import { aside, date, instant, yuan } from './format';
import type { PageCtx } from './page';
import { canSeeBatch } from '../../workflows/batch/permissions';
import { canSeeEnterprise } from '../enterprises/get';
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { catalogueEntries, enterprises, insurers } from '../../db/schema';

function Row({ label, value, num }: { label: string; value: string | null | undefined; num?: boolean }) {
  return (
    <>
      <dt safe>{label}</dt>
      <dd class={num ? 'num' : undefined} safe>{value ?? '—'}</dd>
    </>
  );
}

/** Who and what a case names, by name: the firm, the catalogue entry, the insurer. */
export interface CaseParties {
  firm: { id: string; name: string; uscc: string; city: string } | null;
  entry: { seq: number; name: string } | null;
  insurer: string | null;
}

/** The names behind a case's ids, in one read; what the case page's summary shows the reviewers and the insurer. */
export async function casePartiesOf(db: DbOrTx, view: CaseView): Promise<CaseParties> {
  const [row] = await db
    .select({ firmId: enterprises.id, firmName: enterprises.name, firmUscc: enterprises.uscc, firmCity: enterprises.city, entrySeq: catalogueEntries.seq, entryName: catalogueEntries.name, insurer: insurers.name })
    .from(enterprises)
    .leftJoin(catalogueEntries, eq(catalogueEntries.id, view.catalogueEntryId))
    .leftJoin(insurers, eq(insurers.id, view.policy.insurerId ?? sql`null::uuid`))
    .where(eq(enterprises.id, view.enterpriseId));
  return {
    firm: row ? { id: row.firmId, name: row.firmName, uscc: row.firmUscc, city: row.firmCity } : null,
    entry: row?.entrySeq != null && row.entryName != null ? { seq: row.entrySeq, name: row.entryName } : null,
    insurer: row?.insurer ?? null,
  };
}

export function Summary({ p, view, parties }: { p: PageCtx; view: CaseView; parties: CaseParties }) {
  const c = p.t.casePage;
  const city = cityByCode(view.city);
  const period = view.policy.startsOn ? `${date(view.policy.startsOn, p.locale)} – ${date(view.policy.endsOn, p.locale)}` : c.notGiven;
  const quantity = view.contract.quantity ? `${view.contract.quantity}${view.contract.unit ? ` ${view.contract.unit}` : ''}` : c.notGiven;
  return (
    <section aria-labelledby="summary">
      <h2 id="summary" safe>{c.summary}</h2>
      <dl class="summary">
        {/* to the firm's profile, for those who may read it (an insurer may not) */}
        {parties.firm && p.user && canSeeEnterprise(p.user, parties.firm) ? (
          <>
            <dt safe>{c.firm}</dt>
            <dd>
              <a href={`/firm/${parties.firm.id}`} safe>{parties.firm.name}</a>
            </dd>
          </>
        ) : (
          <Row label={c.firm} value={parties.firm?.name} />
        )}
        <Row label={c.firmUscc} value={parties.firm?.uscc} />
        <Row label={c.firmCity} value={city ? (p.locale === 'zh' ? city.name : city.nameEn) : view.city} />
        <Row label={c.catalogueEntry} value={parties.entry ? `${parties.entry.seq}. ${parties.entry.name}` : c.notGiven} />
        <Row label={c.material} value={view.material.name ?? c.notGiven} />
        <Row label={c.specification} value={view.material.specification ?? c.notGiven} />
        <Row label={c.batchNo} value={view.material.batchNo ?? c.notGiven} />
        <Row label={c.userUnit} value={view.userUnit.name ?? c.notGiven} />
        <Row label={c.userUnitUscc} value={view.userUnit.uscc ?? c.notGiven} />
        <Row label={c.declarations} value={c.declared(view.userUnit.notAffiliate, view.userUnit.notTrader)} />
        <Row label={c.contractNo} value={view.contract.number ?? c.notGiven} />
        <Row label={c.signedOn} value={date(view.contract.signedOn, p.locale)} />
        <Row label={c.contractAmount} value={yuan(view.contract.amount)} num />
        <Row label={c.quantity} value={quantity} />
        <Row label={c.deliveredOn} value={date(view.contract.deliveredOn, p.locale)} />
        <Row label={c.insurer} value={parties.insurer ?? c.notGiven} />
        <Row label={c.policyNo} value={view.policy.number ?? c.notGiven} />
        <Row label={c.policyPeriod} value={period} />
        <Row label={c.liabilityLimit} value={yuan(view.policy.liabilityLimit)} num />
        <Row label={c.premium} value={yuan(view.policy.premium)} num />
        <Row label={c.premiumInvoiceNo} value={view.policy.premiumInvoiceNo ?? c.notGiven} />
        <Row label={c.paidOn} value={date(view.policy.paidOn, p.locale)} />
        {view.subsidy ? <Row label={c.subsidy} value={yuan(view.subsidy.amount)} num /> : ''}
      </dl>
      {view.warnings.length ? (
        <div class="problems" role="note">
          <strong safe>{c.warnings}</strong>
          <ul>
            {view.warnings.map((w) => (
              <li safe>{p.locale === 'zh' ? w.messageZh : w.message}</li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
    </section>
  );
}

/** The subsidy in words, step by step (SPEC §6: shown to the firm and to auditors). */
export function SubsidyPart({ p, view }: { p: PageCtx; view: SubsidyView }) {
  const c = p.t.casePage;
  return (
    <section aria-labelledby="subsidy">
      <h2 id="subsidy" safe>{c.subsidyTitle}</h2>
      <table aria-labelledby="subsidy">
        <thead>
          <tr>
            <th scope="col" safe>{c.subsidyStep}</th>
            <th scope="col" class="num" safe>{c.subsidyAmount}</th>
          </tr>
        </thead>
        <tbody>
          {view.steps.map((s) => (
            <tr class={s.key === 'current' ? 'total' : undefined}>
              <td safe>{p.locale === 'zh' ? s.zh : s.en}</td>
              <td class="num" safe>{yuan(s.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* the rules' code is for auditors: small print after the words */}
      <p class="hint">
        <span safe>{c.subsidyRule}</span> <small class="rule-version" safe>{c.subsidyRuleVersion(view.derivation.ruleVersion)}</small>
      </p>
      {view.recovery ? <p role="note" safe>{c.recovery(view.recovery.reason, date(view.recovery.bannedUntil, p.locale))}</p> : ''}
      {view.recovery?.amount ? <p safe>{c.recovered(yuan(view.recovery.amount), view.recovery.reference ?? '')}</p> : ''}
      {view.payment ? <SubsidyPayment p={p} payment={view.payment} /> : ''}
    </section>
  );
}

/**
 * What the batch paid, or ordered paid, or why it could not: the amount, the day, the bank's
 * reference, the batch and the account — its last digits only, unless the reader reads batches.
 */
function SubsidyPayment({ p, payment }: { p: PageCtx; payment: NonNullable<SubsidyView['payment']> }) {
  const c = p.t.casePage;
  const readsBatches = p.user !== null && canSeeBatch(p.user);
  return (
    <>
      <h3 id="payment" safe>{c.paymentTitle}</h3>
      <dl class="summary" aria-labelledby="payment">
        <dt safe>{c.paymentStatus}</dt>
        <dd>
          <span class={`badge pay-${payment.status}`} safe>{c.paymentStatuses[payment.status]}</span>
        </dd>
        <Row label={c.paymentAmount} value={yuan(payment.amount)} num />
        {payment.status === 'paid' ? (
          <>
            <Row label={c.paymentPaidOn} value={date(payment.paidOn, p.locale)} />
            <Row label={c.reference} value={payment.reference} />
          </>
        ) : (
          ''
        )}
        {payment.status === 'failed' ? <Row label={c.paymentFailure} value={payment.failure} /> : ''}
        <dt safe>{c.paymentBatch}</dt>
        <dd>{readsBatches ? <a href={`/money/batches/${payment.batchId}`} safe>{payment.batchNumber}</a> : <span safe>{payment.batchNumber}</span>}</dd>
        <Row label={c.paymentAccount} value={payment.bankAccount === null ? c.accountEnding(payment.bankName, payment.accountLast4) : `${payment.bankName} ${payment.bankAccount}`} />
      </dl>
      {payment.status === 'approved' ? <p class="hint" safe>{c.paymentAwaited}</p> : ''}
      {payment.status === 'failed' ? <p role="note" safe>{c.paymentFailed(payment.failure ?? '')}</p> : ''}
    </>
  );
}

export function Documents({ p, docs }: { p: PageCtx; docs: DocumentList }) {
  const c = p.t.casePage;
  return (
    <section aria-labelledby="documents">
      <h2 id="documents" safe>{c.documents}</h2>
      <DataTable
        p={p}
        rows={docs.items}
        empty={c.noDocuments}
        columns={[
          { header: c.docType, text: (d) => p.t.docTypes[d.type] },
          { header: c.docName, cell: (d) => <a href={d.href} safe>{d.fileName}</a> },
          { header: c.docVersion, num: true, text: (d) => d.version },
          { header: c.docUploaded, text: (d) => instant(d.createdAt, p.locale) },
        ]}
      />
    </section>
  );
}

/**
 * `names`: the people the reader may know by name (the experts, to the provincial reviewer), for the deadlines that are one person's own.
 * `ownFirm`: the reader is of the case's firm, whose deadline the policy's end is (the reminder to renew,
 * workflows/case/clocks.ts); to anyone else it is no deadline but a fact of the policy, shown with it.
 */
export function Clocks({ p, view, names = new Map(), ownFirm = false }: { p: PageCtx; view: CaseView; names?: ReadonlyMap<string, string>; ownFirm?: boolean }) {
  const c = p.t.casePage;
  const clocks = ownFirm ? view.clocks : view.clocks.filter((k) => k.kind !== 'policyEnd');
  const kindOf = (kind: string) => (kind in caseClocks ? caseClocks[kind as keyof typeof caseClocks].label[p.locale] : kind);
  // an expert's own deadline says whose it is, to whom the case shows it: the expert themself, the provincial reviewer
  const whose = (id: string | null) => (id === null ? null : id === p.user?.id ? c.yours : (names.get(id) ?? null));
  const label = (kind: string, assigneeId: string | null = null) => {
    const who = whose(assigneeId);
    return who ? `${kindOf(kind)}${p.locale === 'zh' ? `（${who}）` : ` (${who})`}` : kindOf(kind);
  };
  return (
    <section aria-labelledby="clocks">
      <h2 id="clocks" safe>{c.clocks}</h2>
      {clocks.length === 0 ? (
        <p class="empty" safe>{c.noClocks}</p>
      ) : (
        <ul>
          {clocks.map((k) => (
            <li>
              <strong safe>{label(k.kind, k.assigneeId)}</strong>
              {/* a paused clock has no due date until it runs again: only the working days it has left */}
              {k.status === 'paused' ? (
                <span safe>{` · ${c.paused(k.remainingWorkingDays)}`}</span>
              ) : (
                <>
                  <span safe>{` · ${c.dueOn} ${date(k.dueOn, p.locale)}${k.provisional ? aside(c.provisional, p.locale) : ''} · `}</span>
                  <span class={`clock-${k.status}`} safe>{p.t.caseNews.clockStatuses[k.status] ?? k.status}</span>
                </>
              )}
              {/* late and still running (a reviewer's, an expert's); an expired clock says so itself */}
              {k.overdue && k.status === 'running' ? (
                <>
                  {' '}
                  <Overdue p={p} />
                </>
              ) : (
                ''
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
