import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documents } from '../../db/schema';
import { REQUIRED_DOCUMENTS } from '../../seeds/factories';
import { latestDocumentTypes } from '../../server/documents/list';
import { useTestApp } from '../support/use-app';
import { announceLargeBody, download, streamEndlessly, upload, type UploadOptions } from '../fixtures/documents/client';
import { jpegBytes, ofdBytes, pdfBytes, pngBytes, zipBytes } from '../fixtures/documents/files';

// This file's own DATA_DIR, so that "nothing was stored" can be checked against the whole tree
// while other test files upload in parallel.
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fb-documents-'));
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));
const { t, w } = useTestApp(() => ({ env: { DATA_DIR: dataDir } }));

const MB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Doc {
  id: string;
  type: string;
  version: number;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  href: string;
}

// an empty token sends no Authorization header
const ANON = '';
const up = (caseId: string, o: UploadOptions, token: string = w.tokens.firm) => upload(t.url, caseId, token, o);
const pdf = (o: UploadOptions = {}): UploadOptions => ({ type: 'sales_contract', fileName: '合同.pdf', bytes: pdfBytes(), contentType: 'application/pdf', ...o });
const get = (path: string, token: string = w.tokens.firm, headers: Record<string, string> = {}) => download(t.url, path, token, headers);

async function uploaded(caseId: string, o: UploadOptions = pdf()): Promise<Doc> {
  const res = await up(caseId, o);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${res.bytes.toString()}`);
  return res.json as unknown as Doc;
}

/** A case submitted the honest way: every required document uploaded first. */
async function submittedCase(): Promise<{ id: string; doc: Doc }> {
  const id = await w.createCase();
  const docs = [];
  for (const type of REQUIRED_DOCUMENTS) docs.push(await uploaded(id, pdf({ type, bytes: pdfBytes(`${id} ${type}`) })));
  const res = await t.api.post(`/cases/${id}/events`, { type: 'SUBMIT' }, w.tokens.firm);
  if (res.status !== 200) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  const doc = docs[0];
  if (!doc) throw new Error('nothing uploaded');
  return { id, doc };
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dataDir, join(e.parentPath, e.name)));
}

async function rowsOf(caseId: string) {
  return t.app.db.select().from(documents).where(eq(documents.caseId, caseId));
}

describe('uploading a document', () => {
  it('stores a PDF as version 1 under its SHA-256 and records the upload in the case history', async () => {
    const id = await w.createCase();
    const bytes = pdfBytes('first');
    const res = await up(id, pdf({ bytes }));
    expect(res.status).toBe(201);
    const doc = res.json as unknown as Doc;
    expect(doc).toMatchObject({ type: 'sales_contract', version: 1, fileName: '合同.pdf', mediaType: 'application/pdf', sizeBytes: bytes.length, sha256: sha256(bytes) });
    expect(res.headers.get('location')).toBe(doc.href);
    const h = sha256(bytes);
    expect(existsSync(join(dataDir, 'blobs', h.slice(0, 2), h.slice(2, 4), h))).toBe(true);
    const history = await t.api.get<{ items: { eventType: string; stateBefore: string; stateAfter: string; payload: unknown }[] }>(`/cases/${id}/history`, w.tokens.firm);
    expect(history.body.items.at(-1)).toEqual(
      expect.objectContaining({ eventType: 'DOCUMENT_UPLOADED', stateBefore: 'draft', stateAfter: 'draft', payload: { type: 'sales_contract', version: 1, fileName: '合同.pdf', sha256: h, sizeBytes: bytes.length } }),
    );
    expect((await t.api.get(`/audit/verify?caseId=${id}`, w.tokens.firm)).body).toMatchObject({ valid: true });
  });

  it.each([
    ['JPEG', { fileName: 'licence.jpg', bytes: jpegBytes(), contentType: 'image/jpeg' }, 'image/jpeg'],
    ['PNG', { fileName: 'licence.png', bytes: pngBytes(), contentType: 'image/png' }, 'image/png'],
    ['OFD', { fileName: 'invoice.ofd', bytes: ofdBytes(), contentType: 'application/octet-stream' }, 'application/ofd'],
  ])('accepts a %s file and types it from its content', async (_label, o, mediaType) => {
    const id = await w.createCase();
    const res = await up(id, { type: 'business_license', ...o });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ mediaType, version: 1, fileName: o.fileName });
  });

  it('keeps the history chain whole when the case id is typed in capitals, for an upload and an edit alike', async () => {
    const id = await w.createCase();
    const upper = id.toUpperCase();
    expect((await up(upper, { type: 'test_report', fileName: '检测报告.pdf', bytes: pdfBytes(`report ${id}`), contentType: 'application/pdf' })).status).toBe(201);
    expect((await t.api.patch(`/cases/${upper}`, { material: { specification: '450 mm' } }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.get(`/audit/verify?caseId=${id}`, w.tokens.firm)).body).toMatchObject({ valid: true, entries: 3 });
  });

  it('moves the case to a new version, so a SUBMIT with the old If-Match sees the change', async () => {
    const id = await w.createCase();
    const before = await t.api.get<{ version: number }>(`/cases/${id}`, w.tokens.firm);
    await uploaded(id);
    const after = await t.api.get<{ version: number }>(`/cases/${id}`, w.tokens.firm);
    expect(after.body.version).toBe(before.body.version + 1);
  });

  it('accepts a file of exactly 20 MB', async () => {
    const id = await w.createCase();
    const bytes = Buffer.concat([pdfBytes(), Buffer.alloc(20 * MB - pdfBytes().length, 0x20)]);
    const res = await up(id, pdf({ bytes }));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ sizeBytes: 20 * MB, sha256: sha256(bytes) });
  });

  it('makes a re-upload version 2 and keeps version 1 downloadable with its original bytes', async () => {
    const id = await w.createCase();
    const v1Bytes = pdfBytes('version one');
    const v1 = await uploaded(id, pdf({ bytes: v1Bytes }));
    const v2 = await uploaded(id, pdf({ bytes: pdfBytes('version two'), fileName: '合同-修订.pdf' }));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const old = await get(v1.href);
    expect(old.status).toBe(200);
    expect(sha256(old.bytes)).toBe(sha256(v1Bytes));
    const list = await t.api.get<{ items: Doc[]; latest: Record<string, Doc> }>(`/cases/${id}/documents`, w.tokens.firm);
    expect(list.body.items.map((d) => [d.type, d.version])).toEqual([['sales_contract', 2], ['sales_contract', 1]]);
    expect(list.body.latest.sales_contract?.id).toBe(v2.id);
  });

  it('stores identical content once, whatever the type it is uploaded as', async () => {
    const id = await w.createCase();
    const bytes = pdfBytes(`shared ${id}`);
    await uploaded(id, pdf({ type: 'sales_invoice', bytes }));
    await uploaded(id, pdf({ type: 'premium_invoice', bytes }));
    const h = sha256(bytes);
    expect(await filesUnder(join(dataDir, 'blobs', h.slice(0, 2), h.slice(2, 4)))).toEqual([join('blobs', h.slice(0, 2), h.slice(2, 4), h)]);
  });

  it('accepts uploads while the application is returned for revision', async () => {
    const { id } = await submittedCase();
    const ret = await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'documents.test_report', message: '检测报告不清晰' }] }, w.tokens.municipal);
    expect(ret.body).toMatchObject({ state: 'revision' });
    const res = await up(id, pdf({ type: 'test_report', fileName: '检测报告.pdf' }));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ type: 'test_report', version: 2 });
  });

  it('tells the submission rules which types a case has', async () => {
    const id = await w.createCase();
    await uploaded(id, pdf({ type: 'sales_contract' }));
    await uploaded(id, pdf({ type: 'sales_contract', bytes: pdfBytes('again') }));
    await uploaded(id, { type: 'business_license', fileName: 'l.png', bytes: pngBytes() });
    expect(await latestDocumentTypes(t.app.db, id)).toEqual(new Set(['sales_contract', 'business_license']));
  });
});

describe('downloading a document', () => {
  it('serves the file as an attachment with its media type, an RFC 5987 name, nosniff and its hash as ETag', async () => {
    const id = await w.createCase();
    const bytes = pngBytes(7);
    const doc = await uploaded(id, { type: 'business_license', fileName: '营业执照 (副本).png', bytes, contentType: 'image/png' });
    const res = await get(doc.href);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(bytes)).toBe(true);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="____ (__).png"; filename*=UTF-8''${encodeURIComponent('营业执照')}%20%28${encodeURIComponent('副本')}%29.png`,
    );
    // fetch adds `Cache-Control: no-cache` (a forced reload) to conditional requests unless told otherwise
    const revalidate = { 'if-none-match': `"${sha256(bytes)}"`, 'cache-control': 'max-age=0' };
    expect((await get(doc.href, w.tokens.firm, revalidate)).status).toBe(304);
  });

  it('returns 404 for a document of another case, even to the firm that owns both', async () => {
    const a = await w.createCase();
    const b = await w.createCase();
    const doc = await uploaded(a);
    expect((await get(`/api/v1/cases/${b}/documents/${doc.id}`)).status).toBe(404);
    expect((await get(`/api/v1/cases/${a}/documents/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await get(`/api/v1/cases/${a}/documents/not-an-id`)).status).toBe(400);
  });
});

describe('refusing a bad upload', () => {
  it('returns 413 for a file of 20 MB and 1 byte, and stores nothing', async () => {
    const id = await w.createCase();
    const bytes = Buffer.concat([pdfBytes(), Buffer.alloc(20 * MB + 1 - pdfBytes().length, 0x41)]);
    const res = await up(id, pdf({ bytes }));
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ status: 413, errors: [{ path: 'file' }] });
    expect(await rowsOf(id)).toEqual([]);
    const h = sha256(bytes);
    expect(existsSync(join(dataDir, 'blobs', h.slice(0, 2), h.slice(2, 4), h))).toBe(false);
    expect(await filesUnder(join(dataDir, 'tmp'))).toEqual([]);
  });

  it('answers 413 to a body announced as too large without waiting for it', async () => {
    const id = await w.createCase();
    expect(await announceLargeBody(t.url, `/api/v1/cases/${id}/documents`, w.tokens.firm, 50 * MB)).toBe(413);
  });

  it('stops reading a chunked upload that runs on past the limit, and stores nothing', async () => {
    const id = await w.createCase();
    const r = await streamEndlessly(t.url, `/api/v1/cases/${id}/documents`, w.tokens.firm);
    // the server answers 413 or hangs up; either way it took little more than the limit
    expect([413, null]).toContain(r.status);
    expect(r.sent).toBeLessThan(40 * MB);
    expect(await rowsOf(id)).toEqual([]);
    // the partial temp file is removed once the server has torn the request down, just after it hung up
    await expect.poll(() => filesUnder(join(dataDir, 'tmp')), { timeout: 5000 }).toEqual([]);
  });

  it.each([
    ['a text file named .pdf', { fileName: 'x.pdf', bytes: Buffer.from('just some text, not a PDF'), contentType: 'application/pdf' }, 'unsupported_content'],
    ['an executable named .pdf', { fileName: 'x.pdf', bytes: Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1') }, 'unsupported_content'],
    ['a ZIP without OFD.xml named .ofd', { fileName: 'x.ofd', bytes: zipBytes({ 'evil.xml': '<x/>' }) }, 'unsupported_content'],
    ['a PNG renamed to .pdf', { fileName: 'scan.pdf', bytes: pngBytes() }, 'extension_mismatch'],
    ['a PDF declared as image/png', { fileName: 'scan', bytes: pdfBytes(), contentType: 'image/png' }, 'declared_type_mismatch'],
  ])('returns 415 for %s and stores nothing', async (_label, o, code) => {
    const id = await w.createCase();
    const res = await up(id, { type: 'sales_contract', ...o });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ errors: [{ path: 'file', code }] });
    expect(await rowsOf(id)).toEqual([]);
    expect(await filesUnder(join(dataDir, 'tmp'))).toEqual([]);
  });

  it('keeps only a safe base name of a path-traversal file name and writes nothing outside DATA_DIR', async () => {
    const id = await w.createCase();
    const bytes = pdfBytes(`traversal ${id}`);
    const a = await uploaded(id, pdf({ fileName: '../../etc/passwd.pdf', bytes }));
    const b = await uploaded(id, pdf({ fileName: '..\\..\\windows\\\u202Eevil.pdf', bytes: pdfBytes(`b ${id}`) }));
    expect([a.fileName, b.fileName]).toEqual(['passwd.pdf', 'evil.pdf']);
    expect(existsSync(join(dataDir, '..', '..', 'etc', 'passwd.pdf'))).toBe(false);
    expect(existsSync('/etc/passwd.pdf')).toBe(false);
    expect((await filesUnder(dataDir)).every((f) => /^blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f))).toBe(true);
    expect((await get(a.href)).headers.get('content-disposition')).toContain(`filename="passwd.pdf"`);
  });

  it('returns 400 for an unknown or missing type, a missing or empty file, or a file in another field', async () => {
    const id = await w.createCase();
    const cases: [UploadOptions, string][] = [
      [pdf({ type: 'passport' }), 'type'],
      [pdf({ type: undefined }), 'type'],
      [{ type: 'sales_contract' }, 'file'],
      [pdf({ bytes: Buffer.alloc(0) }), 'file'],
      [pdf({ field: 'attachment' }), 'attachment'],
    ];
    for (const [o, path] of cases) {
      const res = await up(id, o);
      expect(res.status, JSON.stringify(o.type)).toBe(400);
      expect(res.json).toMatchObject({ errors: [{ path }] });
    }
    expect(await rowsOf(id)).toEqual([]);
  });

  it('returns 415 to a request that is not multipart', async () => {
    const id = await w.createCase();
    const res = await t.api.post(`/cases/${id}/documents`, { type: 'sales_contract', file: 'JVBERi0=' }, w.tokens.firm);
    expect(res.status).toBe(415);
  });

  it('returns 409 once the application has been submitted', async () => {
    const { id } = await submittedCase();
    const res = await up(id, pdf());
    expect(res.status).toBe(409);
    expect((await rowsOf(id)).filter((r) => r.type === 'sales_contract')).toHaveLength(1);
  });
});

describe('who may upload, list and download', () => {
  it('returns 401 to an anonymous caller', async () => {
    const id = await w.createCase();
    const doc = await uploaded(id);
    expect((await up(id, pdf(), ANON)).status).toBe(401);
    expect((await get(`/api/v1/cases/${id}/documents`, ANON)).status).toBe(401);
    expect((await get(doc.href, ANON)).status).toBe(401);
  });

  it('returns 404 on a draft to everyone but its firm: another firm, reviewers, finance, an administrator', async () => {
    const id = await w.createCase();
    const doc = await uploaded(id);
    for (const who of ['otherFirm', 'admin', 'finance', 'municipal', 'provincial'] as const) {
      expect((await up(id, pdf(), w.tokens[who])).status, who).toBe(404);
      expect((await get(`/api/v1/cases/${id}/documents`, w.tokens[who])).status, who).toBe(404);
      expect((await get(doc.href, w.tokens[who])).status, who).toBe(404);
    }
  });

  it('returns 403 on upload to reviewers and the insurer of a submitted case, who may still list and download', async () => {
    const { id, doc } = await submittedCase();
    const original = await get(doc.href);
    for (const who of ['municipal', 'provincial', 'insurer'] as const) {
      expect((await up(id, pdf(), w.tokens[who])).status, who).toBe(403);
      const list = await t.api.get<{ items: Doc[] }>(`/cases/${id}/documents`, w.tokens[who]);
      expect(list.body.items).toHaveLength(REQUIRED_DOCUMENTS.length);
      const res = await get(doc.href, w.tokens[who]);
      expect(res.status, who).toBe(200);
      expect(res.bytes.equals(original.bytes)).toBe(true);
    }
  });

  it('returns 404 to a reviewer of another city, another insurer and an unassigned expert', async () => {
    const { id, doc } = await submittedCase();
    for (const who of ['otherMunicipal', 'otherInsurer', 'expert', 'otherFirm'] as const) {
      expect((await up(id, pdf(), w.tokens[who])).status, who).toBe(404);
      expect((await get(`/api/v1/cases/${id}/documents`, w.tokens[who])).status, who).toBe(404);
      expect((await get(doc.href, w.tokens[who])).status, who).toBe(404);
    }
  });
});
