import type { Request, Response, Router } from 'express';
import { roles as allRoles, type Role } from '../../../db/schema/accounts';
import { type FieldError } from '../../errors';
import { cities } from '../../domain/cities';
import { zodErrors } from '../../http/problem';
import { listUsers } from '../../admin/users/list';
import { getUser } from '../../admin/users/get';
import { createUser } from '../../admin/users/create';
import { updateUser } from '../../admin/users/update';
import { resendInvitation } from '../../admin/users/invite';
import { firmNamesOf, invitationDeliveriesOf, type InvitationDelivery } from '../../admin/users/facts';
import { userCreateSchema, userListQuerySchema, userPatchSchema, userSorts } from '../../admin/users/schema';
import { listInsurers } from '../../insurers/list';
import { CsrfField, Field, FormProblems, errorsAt } from '../components/form';
import { filled, NextPage } from '../components/pager';
import { requireCsrf } from '../csrf';
import { instant, instantBeijing } from '../format';
import { field, idParam, type PageCtx, pageOf, problemText, render } from '../page';
import { AdminLayout, adminOf, atFields, doneOf, problemsOf, statusOfProblem } from './common';

// Staff accounts and their invitations (SPEC §2, §7): the services of /admin/users. A withdrawn
// invitation is a deactivated account: the service ends its unused link with it.

type UserList = Awaited<ReturnType<typeof listUsers>>;
interface ListFacts {
  deliveries: Map<string, InvitationDelivery>;
  firms: Map<string, string>;
}
type UserDetail = Awaited<ReturnType<typeof getUser>>;
type Insurer = Awaited<ReturnType<typeof listInsurers>>['items'][number];
interface Attempt {
  values: Record<string, string | string[]>;
  errors: FieldError[];
}

// firm accounts come from a firm's registration only (server/admin/users/rules.ts refuses them)
const STAFF_ROLES = allRoles.filter((r) => r !== 'firm');
const SCOPE_FIELDS = ['city', 'insurerId', 'organisationUscc', 'organisationName'] as const;

function StatusBadge({ p, status }: { p: PageCtx; status: string }) {
  const cls = status === 'active' ? 'state-approved' : status === 'invited' ? 'state-revision' : 'state-withdrawn';
  return <span class={`badge ${cls}`} safe>{p.t.admin.users.statuses[status] ?? status}</span>;
}

/** How the invitation email fared, from its delivery row: queued, sent at …, failed and why (retrying or not). */
export function deliveryWords(p: PageCtx, d: InvitationDelivery): string {
  const w = p.t.admin.users.delivery;
  if (d.state === 'sent') return w.sent(instant(d.sentAt ?? d.queuedAt, p.locale));
  if (d.state === 'queued') return w.queued(instant(d.queuedAt, p.locale));
  const why = d.lastError ?? w.noReason;
  return d.state === 'retrying' ? w.retrying(why, d.attempts) : w.failed(why, d.attempts);
}

function DeliveryNote({ p, d }: { p: PageCtx; d: InvitationDelivery | undefined }) {
  if (!d) return '';
  const cls = d.state === 'failed' || d.state === 'retrying' ? 'error' : 'hint';
  return <span class={`subline ${cls}`} safe>{deliveryWords(p, d)}</span>;
}

/** The staff roles as ticks, as both the invitation and the edit form take them. */
function RolesFieldset({ p, errors, chosen, idPrefix }: { p: PageCtx; errors: readonly FieldError[]; chosen: readonly string[]; idPrefix: string }) {
  const u = p.t.admin.users;
  const roleErrors = errorsAt(errors, 'roles');
  const id = `${idPrefix}-roles`;
  return (
    <fieldset id={id} class={roleErrors.length ? 'field invalid' : 'field'} aria-describedby={roleErrors.length ? `${id}-error ${id}-hint` : `${id}-hint`}>
      <legend safe>{u.roles}</legend>
      <p class="hint" id={`${id}-hint`} safe>{u.rolesHint}</p>
      {roleErrors.length ? (
        <p class="error" id={`${id}-error`}>
          {roleErrors.map((e) => (
            <span safe>{problemText(e, p.locale)}</span>
          ))}
        </p>
      ) : (
        ''
      )}
      {STAFF_ROLES.map((r) => (
        <label class="check">
          <input type="checkbox" name="roles" value={r} checked={chosen.includes(r)} /> <span safe>{p.t.roles[r]}</span>
        </label>
      ))}
    </fieldset>
  );
}

const chosenOf = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** A select with its label and problems, tied together for screen readers like Field. */
function Select({ p, name, label, errors, value, options, idPrefix = 'f', placeholder }: { p: PageCtx; name: string; label: string; errors: readonly FieldError[]; value: string; options: readonly (readonly [string, string])[]; idPrefix?: string; placeholder?: string }) {
  const id = `${idPrefix}-${name}`;
  const mine = errorsAt(errors, name);
  return (
    <div class={mine.length ? 'field invalid' : 'field'}>
      <label for={id} safe>{label}</label>
      {mine.length ? (
        <p class="error" id={`${id}-error`}>
          {mine.map((e) => (
            <span safe>{problemText(e, p.locale)}</span>
          ))}
        </p>
      ) : (
        ''
      )}
      <select id={id} name={name} aria-invalid={mine.length ? 'true' : undefined} aria-describedby={mine.length ? `${id}-error` : undefined}>
        {placeholder !== undefined ? <option value="" safe>{placeholder}</option> : ''}
        {options.map(([v, l]) => (
          <option value={v} selected={v === value} safe>{l}</option>
        ))}
      </select>
    </div>
  );
}

const cityOptions = (p: PageCtx) => cities.map((c) => [c.code, p.locale === 'zh' ? c.name : c.nameEn] as const);
const insurerOptions = (insurers: Insurer[]) => insurers.map((i) => [i.id, `${i.code} · ${i.name}`] as const);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

function ScopeFields({ p, errors, values, insurers, idPrefix }: { p: PageCtx; errors: FieldError[]; values: Attempt['values']; insurers: Insurer[]; idPrefix: string }) {
  const u = p.t.admin.users;
  return (
    <>
      <Select p={p} idPrefix={idPrefix} name="city" label={u.city} errors={errors} value={one(values.city)} options={cityOptions(p)} placeholder={u.choose} />
      <Select p={p} idPrefix={idPrefix} name="insurerId" label={u.insurer} errors={errors} value={one(values.insurerId)} options={insurerOptions(insurers)} placeholder={u.choose} />
      <Field p={p} idPrefix={idPrefix} name="organisationUscc" label={u.orgUscc} errors={errors} value={one(values.organisationUscc)} />
      <Field p={p} idPrefix={idPrefix} name="organisationName" label={u.orgName} errors={errors} value={one(values.organisationName)} />
    </>
  );
}

function SortLink({ query, sort, label }: { query: Record<string, string>; sort: string; label: string }) {
  const params = new URLSearchParams({ ...query, ...(sort === 'created' ? {} : { sort }) });
  params.delete('cursor');
  if (sort === 'created') params.delete('sort');
  const current = (query.sort ?? 'created') === sort;
  return (
    <a href={`/admin/users?${params.toString()}`} aria-current={current ? 'true' : undefined} safe>
      {label}
    </a>
  );
}

/** Where an account belongs, as its roles scope it: a reviewer's city, an insurer's company, an expert's organisation. */
function belongsTo(p: PageCtx, x: { city: string | null; insurerId: string | null; organisationName: string | null; enterpriseId: string | null }, insurers: readonly Insurer[], firms: ListFacts['firms']): string {
  const city = x.city ? cities.find((c) => c.code === x.city) : undefined;
  const parts = [
    city ? (p.locale === 'zh' ? city.name : city.nameEn) : null,
    x.insurerId ? (insurers.find((i) => i.id === x.insurerId)?.name ?? null) : null,
    x.organisationName,
    x.enterpriseId ? (firms.get(x.enterpriseId) ?? null) : null,
  ];
  const named = parts.filter((s): s is string => Boolean(s));
  return named.length > 0 ? named.join(p.locale === 'zh' ? '、' : ', ') : '—';
}

function UsersPage({ p, list, facts, query, insurers, attempt, done }: { p: PageCtx; list: UserList; facts: ListFacts; query: Record<string, string>; insurers: Insurer[]; attempt: Attempt | null; done?: string | undefined }) {
  const u = p.t.admin.users;
  const errors = attempt?.errors ?? [];
  const values = attempt?.values ?? {};
  return (
    <AdminLayout p={p} title={u.title} done={done}>
      <p safe>{u.intro}</p>
      <form method="get" action="/admin/users" class="search" role="search" aria-label={u.filter}>
        <div class="field">
          <label for="q-q" safe>{u.q}</label>
          <input id="q-q" name="q" type="search" value={query.q ?? ''} />
        </div>
        <div class="field">
          <label for="q-role" safe>{u.role}</label>
          <select id="q-role" name="role">
            <option value="" safe>{u.anyRole}</option>
            {allRoles.map((r) => (
              <option value={r} selected={query.role === r} safe>{p.t.roles[r]}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="q-status" safe>{u.status}</label>
          <select id="q-status" name="status">
            <option value="" safe>{u.anyStatus}</option>
            {(['active', 'invited', 'deactivated'] as const).map((s) => (
              <option value={s} selected={query.status === s} safe>{u.statuses[s]}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="q-sort" safe>{u.sort}</label>
          <select id="q-sort" name="sort">
            <option value="" safe>{u.sorts.created}</option>
            {userSorts.map((s) => (
              <option value={s} selected={query.sort === s} safe>{u.sorts[s]}</option>
            ))}
          </select>
        </div>
        <button type="submit" safe>{u.apply}</button>
      </form>
      {list.items.length === 0 ? (
        <p class="empty" safe>{u.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col" aria-sort={query.sort === 'name' ? 'ascending' : undefined}>
                  <SortLink query={query} sort="name" label={u.name} />
                </th>
                <th scope="col" safe>{u.email}</th>
                <th scope="col" aria-sort={query.sort === 'role' ? 'ascending' : undefined}>
                  <SortLink query={query} sort="role" label={u.roles} />
                </th>
                <th scope="col" safe>{u.belongsTo}</th>
                <th scope="col" aria-sort={query.sort === 'status' ? 'ascending' : undefined}>
                  <SortLink query={query} sort="status" label={u.status} />
                </th>
                <th scope="col" aria-sort={query.sort === undefined ? 'descending' : undefined}>
                  <SortLink query={query} sort="created" label={u.created} />
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((x) => (
                <tr>
                  <td data-label={u.name}>
                    <a href={`/admin/users/${x.id}`} safe>{x.name}</a>
                  </td>
                  <td data-label={u.email} safe>{x.email}</td>
                  <td data-label={u.roles} safe>{x.roles.map((r) => p.t.roles[r]).join('、')}</td>
                  <td data-label={u.belongsTo} safe>{belongsTo(p, x, insurers, facts.firms)}</td>
                  <td data-label={u.status}>
                    <StatusBadge p={p} status={x.status} />
                    {x.status === 'invited' ? <DeliveryNote p={p} d={facts.deliveries.get(x.id)} /> : ''}
                  </td>
                  <td data-label={u.created} safe>{instant(x.createdAt, p.locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NextPage path="/admin/users" query={query} cursor={list.nextCursor} label={u.more} />
      <form method="post" action="/admin/users" class="decision" aria-labelledby="invite" novalidate>
        <h2 id="invite" safe>{u.invite}</h2>
        <p class="hint" safe>{u.inviteIntro}</p>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={['email', 'name', 'roles', ...SCOPE_FIELDS]} />
        <Field p={p} idPrefix="i" name="email" type="email" label={u.email} errors={errors} value={one(values.email)} required autocomplete="off" />
        <Field p={p} idPrefix="i" name="name" label={u.name} errors={errors} value={one(values.name)} required autocomplete="off" />
        <RolesFieldset p={p} errors={errors} chosen={chosenOf(values.roles)} idPrefix="i" />
        <ScopeFields p={p} errors={errors} values={values} insurers={insurers} idPrefix="i" />
        <button type="submit" class="primary" safe>{u.sendInvite}</button>
      </form>
    </AdminLayout>
  );
}

function RolesForm({ p, user, insurers, attempt }: { p: PageCtx; user: UserDetail; insurers: Insurer[]; attempt: Attempt | null }) {
  const u = p.t.admin.users;
  const errors = attempt?.errors ?? [];
  const values: Attempt['values'] = attempt?.values ?? { roles: user.roles, city: user.city ?? '', insurerId: user.insurerId ?? '', organisationUscc: user.organisationUscc ?? '', organisationName: user.organisationName ?? '' };
  return (
    <form method="post" action={`/admin/users/${user.id}`} class="decision" aria-labelledby="change-roles" novalidate>
      <h2 id="change-roles" safe>{u.changeRoles}</h2>
      <CsrfField p={p} />
      <FormProblems p={p} errors={errors} fields={['roles', ...SCOPE_FIELDS]} />
      <RolesFieldset p={p} errors={errors} chosen={chosenOf(values.roles)} idPrefix="r" />
      <ScopeFields p={p} errors={errors} values={values} insurers={insurers} idPrefix="r" />
      <button type="submit" class="primary" safe>{p.t.admin.save}</button>
    </form>
  );
}

function UserPage({ p, user, delivery, insurers, attempt, actionErrors, done }: { p: PageCtx; user: UserDetail; delivery: InvitationDelivery | undefined; insurers: Insurer[]; attempt: Attempt | null; actionErrors: FieldError[]; done?: string | undefined }) {
  const u = p.t.admin.users;
  const isFirm = user.roles.includes('firm');
  const inv = user.invitation;
  return (
    <AdminLayout p={p} title={`${u.detail}${p.t.colon}${user.name}`} done={done}>
      <dl class="summary">
        <dt safe>{u.email}</dt>
        <dd safe>{user.email}</dd>
        <dt safe>{u.roles}</dt>
        <dd safe>{user.roles.map((r) => p.t.roles[r as Role]).join('、')}</dd>
        <dt safe>{u.status}</dt>
        <dd>
          <StatusBadge p={p} status={user.status} />
        </dd>
        <dt safe>{u.created}</dt>
        <dd safe>{instant(user.createdAt, p.locale)}</dd>
      </dl>
      <section aria-labelledby="invitation">
        <h2 id="invitation" safe>{u.invitation}</h2>
        {inv ? (
          <dl class="summary">
            <dt safe>{u.issuedAt}</dt>
            <dd safe>{instant(inv.sentAt, p.locale)}</dd>
            <dt safe>{u.delivery.title}</dt>
            <dd>{delivery ? <DeliveryNote p={p} d={delivery} /> : <span safe>{u.delivery.none}</span>}</dd>
            <dt safe>{u.expiresAt}</dt>
            <dd safe>{instantBeijing(inv.expiresAt, p.locale)}</dd>
            {inv.acceptedAt ? (
              <>
                <dt safe>{u.acceptedAt}</dt>
                <dd safe>{instant(inv.acceptedAt, p.locale)}</dd>
              </>
            ) : (
              ''
            )}
            {inv.revokedAt ? (
              <>
                <dt safe>{u.revokedAt}</dt>
                <dd safe>{instant(inv.revokedAt, p.locale)}</dd>
              </>
            ) : (
              ''
            )}
          </dl>
        ) : (
          <p class="empty" safe>{u.noInvitation}</p>
        )}
        {actionErrors.length ? (
          <div class="problems" role="alert">
            <ul>
              {actionErrors.map((e) => (
                <li safe>{problemText(e, p.locale)}</li>
              ))}
            </ul>
          </div>
        ) : (
          ''
        )}
        <div class="actions">
          {user.status === 'invited' ? (
            <form method="post" action={`/admin/users/${user.id}/invitation`}>
              <CsrfField p={p} />
              <button type="submit" class="primary" safe>{u.resend}</button>
            </form>
          ) : (
            ''
          )}
          <form method="post" action={`/admin/users/${user.id}/active`}>
            <CsrfField p={p} />
            <input type="hidden" name="active" value={user.active ? 'false' : 'true'} />
            <button type="submit" class={user.active ? 'danger' : 'primary'} safe>{user.active ? (user.status === 'invited' ? u.withdraw : u.deactivate) : u.reactivate}</button>
          </form>
        </div>
      </section>
      {isFirm ? <p class="hint" safe>{u.firmFixed}</p> : <RolesForm p={p} user={user} insurers={insurers} attempt={attempt} />}
      <section aria-labelledby="changes">
        <h2 id="changes" safe>{u.changes}</h2>
        {user.changes.length === 0 ? (
          <p class="empty" safe>{u.noChanges}</p>
        ) : (
          <ol class="timeline">
            {user.changes.map((c) => (
              <li>
                <span class="muted" safe>{instant(c.at, p.locale)}</span>
                <ul>
                  {changedFields(p, insurers, c).map(([label, before, after]) => (
                    <li>
                      <span safe>{label}</span>
                      <span safe>{`${p.t.colon}${before} → ${after}`}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </section>
    </AdminLayout>
  );
}

/** A recorded field of an account by its label; a field the catalogue does not know, by its key. */
const fieldLabel = (p: PageCtx, key: string): string => (Object.hasOwn(p.t.admin.users.fields, key) ? p.t.admin.users.fields[key as keyof typeof p.t.admin.users.fields] : key);

/**
 * The fields a recorded change shows, in the catalogue's order, as label, before and after: an
 * account opened with no city or insurer shows no "— → —" for them.
 */
function changedFields(p: PageCtx, insurers: readonly Insurer[], c: UserDetail['changes'][number]): [string, string, string][] {
  const order = Object.keys(p.t.admin.users.fields);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.keys(c.after)
    .sort((a, b) => rank(a) - rank(b))
    .map((k): [string, string, string] => [fieldLabel(p, k), k in c.before ? shown(p, insurers, k, c.before[k]) : '—', shown(p, insurers, k, c.after[k])])
    .filter(([, before, after]) => before !== after);
}

/** A recorded value as a person reads it: roles, cities, insurers and states by their names. */
function shown(p: PageCtx, insurers: readonly Insurer[], key: string, v: unknown): string {
  const u = p.t.admin.users;
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map((x) => shown(p, insurers, key, x)).join(p.locale === 'zh' ? '、' : ', ') || '—';
  if (typeof v === 'boolean') return v ? u.yes : u.no;
  const s = String(v);
  if (key === 'roles') return (allRoles as readonly string[]).includes(s) ? p.t.roles[s as Role] : s;
  if (key === 'city') {
    const city = cities.find((c) => c.code === s);
    return city ? (p.locale === 'zh' ? city.name : city.nameEn) : s;
  }
  if (key === 'insurerId') return insurers.find((i) => i.id === s)?.name ?? s;
  if (key === 'status') return u.statuses[s] ?? s;
  return s;
}

/** The form's values as the service's body: a scope left empty is none (null when editing). */
function scopeOf(values: Attempt['values'], emptyAs: null | undefined) {
  const scope: Record<string, string | null | undefined> = {};
  for (const k of SCOPE_FIELDS) {
    const v = one(values[k]).trim();
    scope[k] = v === '' ? emptyAs : v;
  }
  return scope;
}

const rolesPath = (path: string) => (/^roles\.\d+$/.test(path) ? 'roles' : path);
const listValues = (req: Request, name: string): string[] => {
  const v: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
};

async function showList(req: Request, res: Response, attempt: Attempt | null, status = 200) {
  const p = pageOf(res);
  const ctx = adminOf(p);
  const query = filled(req.method === 'GET' ? req.query : {});
  const parsed = userListQuerySchema.safeParse(query);
  // a filter or cursor that is not one shows the first page rather than an error page
  const list = await listUsers(ctx, parsed.success ? parsed.data : userListQuerySchema.parse({}));
  const shown = parsed.success ? query : {};
  // only an invitation not accepted yet has a delivery worth telling of in the list
  const invited = list.items.filter((x) => x.status === 'invited').map((x) => x.id);
  const facts: ListFacts = { deliveries: await invitationDeliveriesOf(ctx, invited), firms: await firmNamesOf(ctx, list.items.map((x) => x.enterpriseId)) };
  await render(res, <UsersPage p={p} list={list} facts={facts} query={shown} insurers={(await listInsurers(ctx)).items} attempt={attempt} done={doneOf(req.query, p.t.admin.users.done)} />, status);
}

async function showUser(req: Request, res: Response, id: string, attempt: Attempt | null, actionErrors: FieldError[], status = 200) {
  const p = pageOf(res);
  const ctx = adminOf(p);
  const user = await getUser(ctx, id);
  const delivery = (await invitationDeliveriesOf(ctx, [user.id])).get(user.id);
  await render(res, <UserPage p={p} user={user} delivery={delivery} insurers={(await listInsurers(ctx)).items} attempt={attempt} actionErrors={actionErrors} done={doneOf(req.query, p.t.admin.users.done)} />, status);
}

export function adminUsers(router: Router) {
  router.get('/admin/users', (req, res) => showList(req, res, null));

  router.post('/admin/users', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const values: Attempt['values'] = { email: field(req, 'email'), name: field(req, 'name'), roles: listValues(req, 'roles') };
    for (const k of SCOPE_FIELDS) values[k] = field(req, k);
    const body = { email: one(values.email).trim(), name: one(values.name), roles: values.roles, ...scopeOf(values, undefined) };
    const parsed = userCreateSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) return showList(req, res, { values, errors: atFields(zodErrors(parsed.error, ''), rolesPath) }, 400);
    try {
      await createUser(ctx, parsed.data);
    } catch (err) {
      return showList(req, res, { values, errors: atFields(problemsOf(err), rolesPath) }, statusOfProblem(err));
    }
    res.redirect(303, '/admin/users?done=invited');
  });

  router.get('/admin/users/:id', (req, res) => showUser(req, res, idParam(req.params.id, 'user'), null, []));

  router.post('/admin/users/:id', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const id = idParam(req.params.id, 'user');
    const values: Attempt['values'] = { roles: listValues(req, 'roles') };
    for (const k of SCOPE_FIELDS) values[k] = field(req, k);
    const parsed = userPatchSchema.safeParse({ roles: values.roles, ...scopeOf(values, null) }, { reportInput: true });
    if (!parsed.success) return showUser(req, res, id, { values, errors: atFields(zodErrors(parsed.error, ''), rolesPath) }, [], 400);
    try {
      await updateUser(ctx, id, parsed.data);
    } catch (err) {
      return showUser(req, res, id, { values, errors: atFields(problemsOf(err), rolesPath) }, [], statusOfProblem(err));
    }
    res.redirect(303, `/admin/users/${id}?done=updated`);
  });

  router.post('/admin/users/:id/active', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const id = idParam(req.params.id, 'user');
    const said = field(req, 'active');
    // the button sends true or false; anything else is no decision to switch the account off
    if (said !== 'true' && said !== 'false') {
      return showUser(req, res, id, null, [{ path: 'active', message: 'choose whether the account is active', messageZh: '请选择启用或停用' }], 400);
    }
    const active = said === 'true';
    try {
      await updateUser(ctx, id, { active });
    } catch (err) {
      return showUser(req, res, id, null, problemsOf(err), statusOfProblem(err));
    }
    res.redirect(303, `/admin/users/${id}?done=${active ? 'reactivated' : 'deactivated'}`);
  });

  router.post('/admin/users/:id/invitation', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const id = idParam(req.params.id, 'user');
    try {
      await resendInvitation(ctx, id);
    } catch (err) {
      return showUser(req, res, id, null, problemsOf(err), statusOfProblem(err));
    }
    res.redirect(303, `/admin/users/${id}?done=resent`);
  });
}
