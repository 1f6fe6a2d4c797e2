import { firmBanOf, toldOfBans, type FirmBan } from '../enterprises/bans';
import { shanghaiDate } from '../calendar/dates';
import { FirmBanNote } from './firm-ban';
import type { Request, Response, Router } from 'express';
import { inArray } from 'drizzle-orm';
import { users } from '../../db/schema';
import type { ServiceContext } from '../context';
import { AppError, forbidden, type FieldError } from '../errors';
import { getEnterprise } from '../enterprises/get';
import { assertMayEditEnterprise, updateEnterprise } from '../enterprises/update';
import { listEnterpriseChanges } from '../enterprises/changes';
import { enterprisePatchSchema, type EnterpriseView } from '../enterprises/schema';
import { cityByCode } from '../domain/cities';
import { zodErrors } from '../http/problem';
import { Layout } from './layout';
import { CsrfField, Field, ProblemSummary } from './components/form';
import { instant } from './format';
import { field, idParam, pageOf, render, serviceOf, type PageCtx } from './page';
import { requireCsrf } from './csrf';
import { DataTable } from './components/table';
import { paymentsUnderway, type PaymentUnderway } from '../enterprises/payments-underway';

// A firm's profile (SPEC §3, §5): its own staff read and edit it at /firm, through the same
// service, validation and change record as PATCH /api/v1/enterprises/:id; the reviewers who may
// see the firm (GET /api/v1/enterprises/:id) read it at /firm/:id. Others get the 404 the API gives.

const EDITABLE = ['name', 'address', 'contactName', 'contactPhone', 'contactEmail', 'bankName', 'bankAccount', 'affiliations'] as const;
type Editable = (typeof EDITABLE)[number];
type Values = Record<Editable, string>;

const valuesOfFirm = (f: EnterpriseView): Values => ({ ...f, affiliations: f.affiliations.join('\n') });
const valuesOfForm = (req: Request): Values => Object.fromEntries(EDITABLE.map((k) => [k, field(req, k)])) as Values;
const linesOf = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/**
 * What the form showed, carried in it (`was.<field>`): the fields the person changed are those that
 * differ from it, so a change someone else saved after the form was opened is not undone by the
 * fields this person left alone. A form without it (an older page) is compared with the firm as it is.
 */
function shownOf(req: Request, firm: EnterpriseView): Values {
  const was = Object.fromEntries(EDITABLE.map((k) => [k, (req.body as Record<string, unknown> | undefined)?.[`was.${k}`]]));
  return EDITABLE.every((k) => typeof was[k] === 'string') ? (was as Values) : valuesOfFirm(firm);
}

/** The fields the form changed, as the API's patch: an untouched field (an empty bank, say) is not sent. */
function patchOf(shown: Values, v: Values): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const k of EDITABLE) {
    if (k === 'affiliations') {
      const list = linesOf(v.affiliations);
      if (JSON.stringify(list) !== JSON.stringify(linesOf(shown.affiliations))) patch.affiliations = list;
    } else if (v[k].trim() !== shown[k].trim()) patch[k] = v[k];
  }
  return patch;
}

/** A problem of one affiliation (`affiliations.2`) belongs to the affiliations field. */
const toFields = (errors: readonly FieldError[]): FieldError[] => errors.map((e) => (e.path.startsWith('affiliations.') ? { ...e, path: 'affiliations' } : e));

interface Change {
  id: string;
  at: string;
  who: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

async function historyOf(ctx: ServiceContext, id: string): Promise<Change[]> {
  const { items } = await listEnterpriseChanges(ctx, id);
  const ids = [...new Set(items.map((i) => i.changedBy))];
  const names = new Map((ids.length ? await ctx.app.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)) : []).map((u) => [u.id, u.name]));
  return items.map((i) => ({ id: i.id, at: i.at, who: names.get(i.changedBy) ?? i.changedBy, before: i.before, after: i.after }));
}

const shownText = (v: unknown) => (Array.isArray(v) ? v.join('、') : typeof v === 'string' ? v : JSON.stringify(v));

/** Beside the bank fields: the payments a change of the bank no longer reaches (a batch copied the account). */
function UnderwayNote({ p, underway }: { p: PageCtx; underway: readonly PaymentUnderway[] }) {
  if (underway.length === 0) return '';
  const t = p.t.firm;
  return (
    <div class="caution" id="payments-underway" role="note" aria-labelledby="payments-underway-title">
      <p>
        <strong id="payments-underway-title" safe>{t.underwayTitle}</strong>
      </p>
      <p safe>{t.underwayIntro}</p>
      <ul>
        {underway.map((u) => (
          <li>
            <a href={`/cases/${u.caseId}`} safe>{t.underwayItem(u.caseNumber, u.batchNumber, p.t.batches.states[u.batchState] ?? u.batchState, u.bankName, u.accountLast4)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function FirmPage(props: { p: PageCtx; firm: EnterpriseView; ban: FirmBan | null; editable: boolean; values: Values; shown: Values; errors: readonly FieldError[]; history: Change[]; underway: readonly PaymentUnderway[]; notice?: string }) {
  const { p, firm, ban, editable, values, shown, errors, history, underway, notice } = props;
  const t = p.t.firm;
  const city = cityByCode(firm.city);
  const labels: Record<string, string> = t as unknown as Record<string, string>;
  const action = `/firm/${firm.id}`;
  return (
    <Layout p={p} title={`${t.title} · ${firm.name}`}>
      {notice ? <p role="status" class="done" safe>{notice}</p> : ''}
      <FirmBanNote p={p} ban={ban} own={p.user?.enterpriseId === firm.id} />
      <p safe>{editable ? t.intro : t.readOnly}</p>
      {firm.missing.length ? (
        <div class="problems" id="profile-gaps">
          <p safe>{t.missing}</p>
          <ul>
            {firm.missing.map((m) => (
              <li>{editable && (EDITABLE as readonly string[]).includes(m) ? <a href={`#f-${m}`} safe>{labels[m] ?? m}</a> : <span safe>{labels[m] ?? m}</span>}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="done" safe>{t.complete}</p>
      )}
      <dl class="facts">
        <dt safe>{t.uscc}</dt>
        <dd id="f-uscc">
          <span safe>{firm.uscc}</span> <span class="hint" safe>{`（${t.fixed}）`}</span>
        </dd>
        <dt safe>{t.city}</dt>
        <dd id="f-city">
          <span safe>{city ? (p.locale === 'zh' ? city.name : city.nameEn) : firm.city}</span> <span class="hint" safe>{`（${t.fixed}）`}</span>
        </dd>
        {editable
          ? ''
          : EDITABLE.map((k) => (
              <>
                <dt safe>{labels[k] ?? k}</dt>
                <dd safe>{k === 'affiliations' ? firm.affiliations.join('、') || t.none : firm[k] || t.none}</dd>
              </>
            ))}
      </dl>
      {editable ? (
        <form method="post" action={action} class="wide" novalidate>
          <CsrfField p={p} />
          {EDITABLE.map((k) => (
            <input type="hidden" name={`was.${k}`} value={shown[k]} />
          ))}
          <ProblemSummary p={p} errors={errors} fields={EDITABLE.map((k) => ({ path: k, id: `f-${k}`, label: labels[k] ?? k }))} />
          <Field p={p} name="name" label={t.name} value={values.name} errors={errors} autocomplete="organization" required />
          <Field p={p} name="address" label={t.address} value={values.address} errors={errors} autocomplete="street-address" required />
          <Field p={p} name="contactName" label={t.contactName} value={values.contactName} errors={errors} required />
          <Field p={p} name="contactPhone" type="tel" label={t.contactPhone} value={values.contactPhone} errors={errors} autocomplete="tel" required />
          <Field p={p} name="contactEmail" type="email" label={t.contactEmail} value={values.contactEmail} errors={errors} required />
          <Field p={p} name="bankName" label={t.bankName} value={values.bankName} errors={errors} required />
          <Field p={p} name="bankAccount" label={t.bankAccount} value={values.bankAccount} errors={errors} hint={t.bankAccountHint} required />
          <UnderwayNote p={p} underway={underway} />
          <Field p={p} name="affiliations" label={t.affiliations} value={values.affiliations} errors={errors} hint={t.affiliationsHint} multiline />
          <button type="submit" class="primary" safe>{t.submit}</button>
        </form>
      ) : (
        ''
      )}
      <section aria-labelledby="history">
        <h2 id="history" safe>{t.historyTitle}</h2>
        {history.length === 0 ? (
          <p safe>{t.noHistory}</p>
        ) : (
          <DataTable
            p={p}
            caption={t.historyTitle}
            rows={history}
            columns={[
              { header: t.when, text: (c) => instant(c.at, p.locale) },
              { header: t.who, text: (c) => c.who },
              {
                header: t.what,
                class: 'changes',
                cell: (c) => (
                  <ul>
                    {Object.keys(c.after).map((k) => (
                      <li safe>{t.change(labels[k] ?? k, shownText(c.before[k]), shownText(c.after[k]))}</li>
                    ))}
                  </ul>
                ),
              },
            ]}
          />
        )}
      </section>
    </Layout>
  );
}

async function mayEdit(ctx: ServiceContext, id: string): Promise<boolean> {
  try {
    await assertMayEditEnterprise(ctx, id);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'forbidden') return false;
    throw err;
  }
}

async function show(res: Response, ctx: ServiceContext, id: string, extra: { values?: Values; shown?: Values; errors?: FieldError[]; status?: number; notice?: string } = {}) {
  const p = pageOf(res);
  const [firm, editable, history] = await Promise.all([getEnterprise(ctx, id), mayEdit(ctx, id), historyOf(ctx, id)]);
  // the firm's own staff are told which payments a bank change does not reach; readers see the batch elsewhere
  const underway = editable ? await paymentsUnderway(p.app.db, firm.id) : [];
  const ban = toldOfBans(ctx.user) ? await firmBanOf(p.app.db, firm.id, shanghaiDate(p.app.clock.now())) : null;
  await render(
    res,
    <FirmPage p={p} firm={firm} ban={ban} editable={editable} values={extra.values ?? valuesOfFirm(firm)} shown={extra.shown ?? valuesOfFirm(firm)} errors={extra.errors ?? []} history={history} underway={underway} notice={extra.notice} />,
    extra.status,
  );
}

export function firmPages(router: Router) {
  // the firm's own profile; a staff member without a firm is sent to no page of theirs
  router.get('/firm', async (_req, res) => {
    const ctx = serviceOf(pageOf(res));
    if (!ctx.user.roles.includes('firm') || !ctx.user.enterpriseId) throw forbidden('only a firm has a profile of its own; open a firm from its applications');
    res.redirect(303, `/firm/${ctx.user.enterpriseId}`);
  });

  router.get('/firm/:id', async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    const saved = { '1': p.t.firm.saved, bank: p.t.firm.savedBank, '0': p.t.firm.unchanged } as Record<string, string>;
    const notice = typeof req.query.saved === 'string' ? saved[req.query.saved] : undefined;
    await show(res, ctx, idParam(req.params.id, 'enterprise'), notice ? { notice } : {});
  });

  router.post('/firm/:id', requireCsrf(), async (req, res) => {
    const ctx = serviceOf(pageOf(res));
    const id = idParam(req.params.id, 'enterprise');
    // 404 to those who may not see the firm, 403 to those who may only read it: as the API answers
    await assertMayEditEnterprise(ctx, id);
    const shown = shownOf(req, await getEnterprise(ctx, id));
    const values = valuesOfForm(req);
    const patch = patchOf(shown, values);
    if (Object.keys(patch).length === 0) return res.redirect(303, `/firm/${id}?saved=0`);
    const parsed = enterprisePatchSchema.safeParse(patch, { reportInput: true });
    if (!parsed.success) return show(res, ctx, id, { values, shown, errors: toFields(zodErrors(parsed.error, '')), status: 400 });
    try {
      await updateEnterprise(ctx, id, parsed.data);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'unprocessable') throw err;
      return show(res, ctx, id, { values, shown, errors: toFields(err.errors), status: 422 });
    }
    const bankChanged = 'bankName' in parsed.data || 'bankAccount' in parsed.data;
    res.redirect(303, `/firm/${id}?saved=${bankChanged && (await paymentsUnderway(ctx.app.db, id)).length > 0 ? 'bank' : '1'}`);
  });
}
