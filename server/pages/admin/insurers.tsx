import type { Request, Response, Router } from 'express';
import type { FieldError } from '../../errors';
import { createInsurer, insurerCreateSchema } from '../../insurers/create';
import { listInsurers } from '../../insurers/list';
import { zodErrors } from '../../http/problem';
import { CsrfField, Field, FormProblems } from '../components/form';
import { DataTable } from '../components/table';
import { requireCsrf } from '../csrf';
import { field, pageOf, render, type PageCtx } from '../page';
import { AdminLayout, adminOf, doneOf, problemsOf, statusOfProblem } from './common';

// Insurers (SPEC §2): the list, and the form of POST /insurers on the same service.

type Insurer = Awaited<ReturnType<typeof listInsurers>>['items'][number];
interface Attempt {
  values: Record<string, string>;
  errors: FieldError[];
}

function InsurersPage({ p, items, attempt, done }: { p: PageCtx; items: Insurer[]; attempt: Attempt | null; done?: string | undefined }) {
  const i = p.t.admin.insurers;
  const errors = attempt?.errors ?? [];
  return (
    <AdminLayout p={p} title={i.title} done={done}>
      <p safe>{i.intro}</p>
      <DataTable
        p={p}
        rows={items}
        empty={i.empty}
        columns={[
          { header: i.codeCol, text: (x) => x.code },
          { header: i.name, text: (x) => x.name },
        ]}
      />
      <form method="post" action="/admin/insurers" class="decision" aria-labelledby="add-insurer" novalidate>
        <h2 id="add-insurer" safe>{i.add}</h2>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={['name', 'code']} />
        <Field p={p} name="name" label={i.name} errors={errors} value={attempt?.values.name ?? ''} required />
        <Field p={p} name="code" label={i.code} errors={errors} value={attempt?.values.code ?? ''} required />
        <button type="submit" class="primary" safe>{i.submit}</button>
      </form>
    </AdminLayout>
  );
}

async function show(req: Request, res: Response, attempt: Attempt | null, status = 200) {
  const p = pageOf(res);
  const list = await listInsurers(adminOf(p));
  await render(res, <InsurersPage p={p} items={list.items} attempt={attempt} done={doneOf(req.query, p.t.admin.insurers.done)} />, status);
}

export function adminInsurers(router: Router) {
  router.get('/admin/insurers', (req, res) => show(req, res, null));

  router.post('/admin/insurers', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const values = { name: field(req, 'name'), code: field(req, 'code') };
    const parsed = insurerCreateSchema.safeParse(values, { reportInput: true });
    if (!parsed.success) return show(req, res, { values, errors: zodErrors(parsed.error, '') }, 400);
    try {
      await createInsurer(ctx, parsed.data);
    } catch (err) {
      return show(req, res, { values, errors: problemsOf(err) }, statusOfProblem(err));
    }
    res.redirect(303, '/admin/insurers?done=added');
  });
}
