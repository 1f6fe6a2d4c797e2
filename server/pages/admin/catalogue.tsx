import type { Request, Response, Router } from 'express';
import { AppError, type FieldError } from '../../errors';
import { editionUpload } from '../../catalogue/upload';
import { readImportInput } from '../../catalogue/import-input';
import { importEdition, previewEdition, type FileIssue } from '../../catalogue/import';
import { publishEdition } from '../../catalogue/publish';
import { getEdition } from '../../catalogue/get';
import { listEditions } from '../../catalogue/list';
import { openRoundsOnPublished, type OpenRound } from '../../catalogue/rounds-in-use';
import { CsrfField, Field, FormProblems, errorsAt } from '../components/form';
import { DataTable } from '../components/table';
import { requireCsrf } from '../csrf';
import { date, instantBeijing } from '../format';
import { field, idParam, type PageCtx, pageOf, problemText, render } from '../page';
import { AdminLayout, adminOf, doneOf, problemsOf, statusOfProblem } from './common';

// Catalogue editions (SPEC §3): the multipart upload of POST /catalogue/editions on the same
// parser and services — a dry run that writes nothing, an import as a draft, then publishing.

type Edition = Awaited<ReturnType<typeof listEditions>>[number];
type Preview = Awaited<ReturnType<typeof previewEdition>>;
type EditionView = Awaited<ReturnType<typeof getEdition>>;
interface Attempt {
  values: Record<string, string>;
  errors: FieldError[];
}

const FIELDS = ['file', 'year', 'docNumber', 'effectiveOn', 'title'];

function StatusTag({ p, status }: { p: PageCtx; status: string }) {
  const cls = status === 'published' ? 'state-approved' : status === 'draft' ? 'state-draft' : 'state-withdrawn';
  return <span class={`badge ${cls}`} safe>{p.t.admin.catalogue.statuses[status] ?? status}</span>;
}

function IssueTable({ p, title, issues, id }: { p: PageCtx; title: string; issues: readonly FileIssue[]; id: string }) {
  const c = p.t.admin.catalogue;
  if (issues.length === 0) return '';
  return (
    <section aria-labelledby={id}>
      <h3 id={id} safe>{`${title}（${issues.length}）`}</h3>
      <DataTable
        p={p}
        rows={issues}
        columns={[
          { header: c.row, num: true, text: (e) => (e.rowNumber > 0 ? String(e.rowNumber) : '—') },
          { header: c.column, text: (e) => e.column ?? '—' },
          { header: c.problem, text: (e) => problemText(e, p.locale) },
        ]}
      />
    </section>
  );
}

function PreviewSection({ p, preview }: { p: PageCtx; preview: Preview }) {
  const c = p.t.admin.catalogue;
  return (
    <section aria-labelledby="preview" class="preview">
      <h2 id="preview" safe>{c.previewTitle}</h2>
      <p>
        <strong safe>{preview.title}</strong> {preview.isDemo ? <span class="badge state-revision" safe>{c.demo}</span> : ''}
      </p>
      <p role="status" safe>{c.previewIntro(preview.entryCount)}</p>
      {preview.errors.length === 0 ? <p class="done" safe>{c.noErrors}</p> : ''}
      <IssueTable p={p} title={c.errors} issues={preview.errors} id="preview-errors" />
      <IssueTable p={p} title={c.warnings} issues={preview.warnings} id="preview-warnings" />
      {preview.entries.length ? (
        <DataTable
          p={p}
          rows={preview.entries}
          columns={[
            { header: c.row, num: true, text: (e) => e.rowNumber },
            { header: c.seq, num: true, text: (e) => e.seq },
            { header: c.material, text: (e) => e.name },
            { header: c.requirements, text: (e) => e.requirements },
            { header: c.field, text: (e) => e.applicationField },
            { header: c.category, text: (e) => [e.topCategory, e.majorCategory, e.subCategory].filter(Boolean).join(' / ') },
          ]}
        />
      ) : (
        ''
      )}
      {preview.errors.length === 0 ? <p class="hint" safe>{c.reselect}</p> : ''}
    </section>
  );
}

function CataloguePage({ p, editions, preview, attempt, done }: { p: PageCtx; editions: Edition[]; preview: Preview | null; attempt: Attempt | null; done?: string | undefined }) {
  const c = p.t.admin.catalogue;
  const errors = attempt?.errors ?? [];
  const v = attempt?.values ?? {};
  const fileErrors = errorsAt(errors, 'file');
  return (
    <AdminLayout p={p} title={c.title} done={done}>
      <p safe>{c.intro}</p>
      {preview ? <PreviewSection p={p} preview={preview} /> : ''}
      <form method="post" action="/admin/catalogue/editions" enctype="multipart/form-data" class="decision" aria-labelledby="upload" novalidate>
        <h2 id="upload" safe>{c.upload}</h2>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={FIELDS} />
        <div class={fileErrors.length ? 'field invalid' : 'field'}>
          <label for="f-file" safe>{c.file}</label>
          {fileErrors.length ? (
            <p class="error" id="f-file-error">
              {fileErrors.map((e) => (
                <span safe>{problemText(e, p.locale)}</span>
              ))}
            </p>
          ) : (
            ''
          )}
          <input id="f-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-invalid={fileErrors.length ? 'true' : undefined} aria-describedby={fileErrors.length ? 'f-file-error' : undefined} />
        </div>
        <Field p={p} name="year" type="number" label={c.year} errors={errors} value={v.year ?? ''} required />
        <Field p={p} name="docNumber" label={c.docNumberField} errors={errors} value={v.docNumber ?? ''} required />
        <Field p={p} name="effectiveOn" type="date" label={c.effectiveOnField} errors={errors} value={v.effectiveOn ?? ''} required />
        <Field p={p} name="title" label={c.titleField} errors={errors} value={v.title ?? ''} />
        <div class="actions">
          <button type="submit" name="action" value="preview" safe>{c.preview}</button>
          <button type="submit" name="action" value="import" class="primary" safe>{c.import}</button>
        </div>
      </form>
      <section aria-labelledby="editions">
        <h2 id="editions" safe>{c.editions}</h2>
        <DataTable
          p={p}
          rows={editions}
          empty={c.noEditions}
          columns={[
            { header: c.docNumber, cell: (e) => <a href={`/admin/catalogue/editions/${e.id}`} safe>{e.docNumber}</a> },
            { header: c.editionTitle, text: (e) => e.title },
            { header: c.status, cell: (e) => <StatusTag p={p} status={e.status} /> },
            { header: c.effectiveOn, text: (e) => date(e.effectiveOn, p.locale) },
            { header: c.entries, num: true, text: (e) => e.entryCount },
          ]}
        />
      </section>
    </AdminLayout>
  );
}

/**
 * Publishing supersedes the edition open rounds use: they keep it (their cases and notices cite
 * its 序号), and the administrator says so with a tick before the edition is published.
 */
function RoundsInUse({ p, rounds, errors }: { p: PageCtx; rounds: readonly OpenRound[]; errors: readonly FieldError[] }) {
  const c = p.t.admin.catalogue;
  const mine = errorsAt(errors, 'confirm');
  return (
    <>
      <div class="caution" role="note" id="rounds-in-use">
        <strong safe>{c.inUseTitle(rounds.length)}</strong>
        <ul>
          {rounds.map((r) => (
            <li safe>{c.inUseRound(r.name, `${r.editionYear} · ${r.editionDocNumber}`, instantBeijing(r.closesAt, p.locale))}</li>
          ))}
        </ul>
        <p safe>{c.inUseKeep}</p>
      </div>
      <div class={mine.length ? 'field invalid' : 'field'}>
        {mine.length ? (
          <p class="error" id="f-confirm-error">
            {mine.map((e) => (
              <span safe>{problemText(e, p.locale)}</span>
            ))}
          </p>
        ) : (
          ''
        )}
        <label>
          <input type="checkbox" id="f-confirm" name="confirm" value="yes" aria-invalid={mine.length ? 'true' : undefined} aria-describedby={mine.length ? 'f-confirm-error rounds-in-use' : 'rounds-in-use'} />{' '}
          <span safe>{c.inUseConfirm}</span>
        </label>
      </div>
    </>
  );
}

function EditionPage({ p, edition, openRounds, errors, done }: { p: PageCtx; edition: EditionView; openRounds: readonly OpenRound[]; errors: FieldError[]; done?: string | undefined }) {
  const c = p.t.admin.catalogue;
  return (
    <AdminLayout p={p} title={c.editionPage(edition.docNumber)} done={done}>
      <dl class="summary">
        <dt safe>{c.editionTitle}</dt>
        <dd safe>{edition.title}</dd>
        <dt safe>{c.status}</dt>
        <dd>
          <StatusTag p={p} status={edition.status} />
        </dd>
        <dt safe>{c.effectiveOn}</dt>
        <dd safe>{date(edition.effectiveOn, p.locale)}</dd>
        <dt safe>{c.entries}</dt>
        <dd class="num">{edition.entryCount}</dd>
      </dl>
      <FormProblems p={p} errors={errors} fields={['confirm']} />
      {edition.status === 'draft' ? (
        <form method="post" action={`/admin/catalogue/editions/${edition.id}/publish`} class="decision">
          <CsrfField p={p} />
          {openRounds.length ? <RoundsInUse p={p} rounds={openRounds} errors={errors} /> : ''}
          <p class="hint" safe>{c.publishHint}</p>
          <button type="submit" class="primary" safe>{c.publish}</button>
        </form>
      ) : (
        ''
      )}
      <section aria-labelledby="categories">
        <h2 id="categories" safe>{c.categories}</h2>
        <ul class="tree">
          {edition.categories.map((t) => (
            <li>
              <span safe>{`${t.top ?? '—'}（${t.entryCount}）`}</span>
              <ul>
                {t.majors.map((m) => (
                  <li>
                    <span safe>{`${m.major ?? '—'}（${m.entryCount}）`}</span>
                    {m.subs.length ? (
                      <ul>
                        {m.subs.map((s) => (
                          <li safe>{`${s.sub}（${s.entryCount}）`}</li>
                        ))}
                      </ul>
                    ) : (
                      ''
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>
    </AdminLayout>
  );
}

async function showList(req: Request, res: Response, preview: Preview | null, attempt: Attempt | null, status = 200) {
  const p = pageOf(res);
  const editions = await listEditions(adminOf(p));
  await render(res, <CataloguePage p={p} editions={editions} preview={preview} attempt={attempt} done={doneOf(req.query, p.t.admin.catalogue.done)} />, status);
}

async function showEdition(req: Request, res: Response, id: string, errors: FieldError[], status = 200) {
  const p = pageOf(res);
  const ctx = adminOf(p);
  const edition = await getEdition(p.app, ctx.user, id);
  const openRounds = edition.status === 'draft' ? await openRoundsOnPublished(ctx) : [];
  await render(res, <EditionPage p={p} edition={edition} openRounds={openRounds} errors={errors} done={doneOf(req.query, p.t.admin.catalogue.done)} />, status);
}

export function adminCatalogue(router: Router) {
  router.get('/admin/catalogue', (req, res) => showList(req, res, null, null));

  // the admin check (adminOnly) has run before the upload is read; the form token travels in the multipart body
  router.post('/admin/catalogue/editions', ...editionUpload, requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const values = { year: field(req, 'year'), docNumber: field(req, 'docNumber'), effectiveOn: field(req, 'effectiveOn'), title: field(req, 'title') };
    let input;
    try {
      input = readImportInput(req.file, req.body);
    } catch (err) {
      return showList(req, res, null, { values, errors: problemsOf(err) }, statusOfProblem(err));
    }
    if (field(req, 'action') !== 'import') return showList(req, res, await previewEdition(ctx, input), { values, errors: [] });
    try {
      const edition = await importEdition(ctx, input);
      res.redirect(303, `/admin/catalogue/editions/${edition.id}?done=imported`);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'unprocessable') throw err;
      // a file refused for its rows: the preview shows them, by row, and nothing was written
      const refused: FieldError = { path: 'file', message: err.message, messageZh: `文件有 ${err.errors.length} 处错误，未导入任何数据` };
      return showList(req, res, await previewEdition(ctx, input), { values, errors: [refused] }, 422);
    }
  });

  router.get('/admin/catalogue/editions/:id', (req, res) => showEdition(req, res, idParam(req.params.id, 'catalogue edition'), []));

  router.post('/admin/catalogue/editions/:id/publish', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const id = idParam(req.params.id, 'catalogue edition');
    // asked again here, as a round may have opened since the page was shown; a draft only, so
    // publishing anything else is still refused for what it is
    const unticked = field(req, 'confirm') !== 'yes' && (await getEdition(ctx.app, ctx.user, id)).status === 'draft';
    if (unticked && (await openRoundsOnPublished(ctx)).length > 0) {
      const unconfirmed: FieldError = { path: 'confirm', message: 'Tick the box to confirm that these rounds keep their edition.', messageZh: '请勾选确认：上述批次继续使用原版本。' };
      return showEdition(req, res, id, [unconfirmed], 422);
    }
    try {
      await publishEdition(ctx, id);
    } catch (err) {
      return showEdition(req, res, id, problemsOf(err), statusOfProblem(err));
    }
    res.redirect(303, `/admin/catalogue/editions/${id}?done=published`);
  });
}
