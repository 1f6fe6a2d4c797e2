import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueEditions } from '../../db/schema';
import type { SettableClock } from '../../server/clock';
import { factoryDates, makeEdition, makeRound } from '../../seeds/factories';
import { parseEditionFile, type ParsedEntry } from '../../server/catalogue/parse';
import { useTestApp } from '../support/use-app';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const DEMO_CSV = path('../../seeds/data/catalogue-demo.csv');
const DEMO_XLSX = path('../../seeds/data/catalogue-demo.xlsx');
const SMALL_CSV = path('../fixtures/catalogue/small.csv');

const { t, w } = useTestApp();
let demoCsv: Buffer;
let demoXlsx: Buffer;
let demoEntries: ParsedEntry[];

beforeAll(async () => {
  demoCsv = await readFile(DEMO_CSV);
  demoXlsx = await readFile(DEMO_XLSX);
  demoEntries = (await parseEditionFile(demoCsv, 'catalogue-demo.csv')).entries;
});

interface Upload {
  bytes: Buffer;
  name: string;
  type?: string;
}
interface Issue {
  path: string;
  code: string;
  rowNumber?: number;
  message: string;
  messageZh?: string;
}
interface EditionBody {
  id: string;
  status: string;
  isDemo: boolean;
  title: string;
  entryCount: number;
  publishedAt: string | null;
  categories: { top: string | null; entryCount: number; majors: { major: string | null; entryCount: number; subs: { sub: string; entryCount: number }[] }[] }[];
  errors?: Issue[];
  warnings?: Issue[];
}
interface EntriesBody {
  edition: { id: string; status: string };
  items: { seq: number; name: string; requirements: string; applicationField: string }[];
  nextCursor: string | null;
}

// A clean file whose own title does not say 演示.
const CLEAN_CSV = ['重点新材料首批次应用示范指导目录', '序号,材料名称,性能要求,应用领域', '关键战略材料', '一、电子化学品', '1,超纯氨,纯度≥99.99999%,集成电路', '2,KrF光刻胶,分辨率≤0.15μm,集成电路'].join('\n');

const docNumber = () => `浙经信材料〔2026〕${randomUUID().slice(0, 8)}号`;
const fieldsOf = (over: Record<string, string> = {}) => ({ year: '2026', docNumber: docNumber(), effectiveOn: '2026-09-05', ...over });

function upload(token: string | undefined, file: Upload | null, fields: Record<string, string>, query = '') {
  const form = new FormData();
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'text/csv' }), file.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return t.api.request<EditionBody>('POST', `/catalogue/editions${query}`, { token, raw: form });
}

async function importDraft(file: Upload = { bytes: demoCsv, name: 'catalogue-demo.csv' }): Promise<string> {
  const res = await upload(w.tokens.admin, file, fieldsOf());
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function publishedDemo(): Promise<string> {
  const id = await importDraft();
  const res = await t.api.post(`/catalogue/editions/${id}/publish`, {}, w.tokens.admin);
  if (res.status !== 200) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

// A 60 KB workbook whose only part is 60 MB of zeros, declared in its central directory as 3.9 GB.
function zipBomb(): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const data = deflateRawSync(Buffer.alloc(60 * 1024 * 1024));
  const header = (size: number, signature: number, at: { method: number; sizes: number; nameLength: number }) => {
    const buf = Buffer.alloc(size);
    buf.writeUInt32LE(signature, 0);
    buf.writeUInt16LE(8, at.method);
    buf.writeUInt32LE(data.length, at.sizes);
    buf.writeUInt32LE(3_900_000_000, at.sizes + 4);
    buf.writeUInt16LE(name.length, at.nameLength);
    return buf;
  };
  const local = header(30, 0x04034b50, { method: 8, sizes: 18, nameLength: 26 });
  const central = header(46, 0x02014b50, { method: 10, sizes: 20, nameLength: 28 });
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, eocd]);
}

const editionsNumbered = (doc: string) => t.app.db.select().from(catalogueEditions).where(eq(catalogueEditions.docNumber, doc));

describe('importing a catalogue edition', () => {
  it('previews the demo CSV on dryRun and writes nothing', async () => {
    const fields = fieldsOf();
    const res = await upload(w.tokens.admin, { bytes: demoCsv, name: 'catalogue-demo.csv' }, fields, '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ entryCount: demoEntries.length, isDemo: true, errors: [], warnings: [] });
    expect(res.body.title).toContain('演示数据');
    expect((res.body as unknown as { entries: unknown[] }).entries).toHaveLength(Math.min(50, demoEntries.length));
    expect(await editionsNumbered(fields.docNumber)).toEqual([]);
  });

  it('previews the demo XLSX to the same result as the CSV', async () => {
    const fields = fieldsOf();
    const fromCsv = await upload(w.tokens.admin, { bytes: demoCsv, name: 'catalogue-demo.csv' }, fields, '?dryRun=true');
    const fromXlsx = await upload(w.tokens.admin, { bytes: demoXlsx, name: 'catalogue-demo.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, fields, '?dryRun=true');
    expect(fromXlsx.status).toBe(200);
    expect(fromXlsx.body).toEqual(fromCsv.body);
  });

  it('creates a draft edition holding every entry of the demo CSV, under all three top categories', async () => {
    const fields = fieldsOf();
    const res = await upload(w.tokens.admin, { bytes: demoCsv, name: 'catalogue-demo.csv' }, fields);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/catalogue/editions/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'draft', isDemo: true, entryCount: demoEntries.length, publishedAt: null, warnings: [] });
    expect(res.body.categories.map((c) => c.top)).toEqual(['先进基础材料', '关键战略材料', '前沿新材料']);
    expect(res.body.categories.reduce((n, c) => n + c.entryCount, 0)).toBe(demoEntries.length);
    const [row] = await editionsNumbered(fields.docNumber);
    expect(row).toMatchObject({ year: 2026, effectiveOn: '2026-09-05', status: 'draft' });
  });

  it('imports an XLSX detected by its content even when it is named .csv', async () => {
    const res = await upload(w.tokens.admin, { bytes: demoXlsx, name: 'catalogue.csv', type: 'text/csv' }, fieldsOf());
    expect(res.status).toBe(201);
    expect(res.body.entryCount).toBe(demoEntries.length);
    const search = await t.api.get<EntriesBody>(`/catalogue/entries?edition=${res.body.id}&q=${encodeURIComponent('硅晶圆')}`, w.tokens.admin);
    expect(search.body.items.map((e) => e.name)).toEqual(['低缺陷高平坦度大尺寸半导体硅晶圆']);
  });

  it('previews a CSV with category rows, blank lines and a malformed row, naming the row', async () => {
    const res = await upload(w.tokens.admin, { bytes: await readFile(SMALL_CSV), name: 'small.csv' }, fieldsOf(), '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body.entryCount).toBe(5);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'file.row.15', rowNumber: 15, code: 'catalogue.extra_cells' })]);
    expect(res.body.errors?.[0]?.messageZh).toContain('超出表头');
  });

  it('refuses with 422 to import a file with a malformed row, listing it, and writes nothing', async () => {
    const fields = fieldsOf();
    const res = await upload(w.tokens.admin, { bytes: await readFile(SMALL_CSV), name: 'small.csv' }, fields);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'file.row.15', rowNumber: 15, code: 'catalogue.extra_cells', message: expect.any(String), messageZh: expect.any(String) }]);
    expect(await editionsNumbered(fields.docNumber)).toEqual([]);
  });

  it('refuses a legacy .xls workbook with a file-level error', async () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const res = await upload(w.tokens.admin, { bytes: xls, name: 'old.xls', type: 'application/vnd.ms-excel' }, fieldsOf());
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'file', code: 'catalogue.unsupported_format' })]);
  });

  it('refuses with 422 a workbook that would unpack to gigabytes, and keeps answering', async () => {
    const fields = fieldsOf();
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const res = await upload(w.tokens.admin, { bytes: zipBomb(), name: 'bomb.xlsx', type: xlsx }, fields);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'file', code: 'catalogue.file_too_large_unpacked' })]);
    expect(res.body.errors?.[0]?.messageZh).toContain('24 MB');
    expect(await editionsNumbered(fields.docNumber)).toEqual([]);
    const after = await upload(w.tokens.admin, { bytes: Buffer.from(CLEAN_CSV), name: 'clean.csv' }, fieldsOf(), '?dryRun=true');
    expect(after.status).toBe(200);
    expect(after.body.entryCount).toBe(2);
  });

  it('takes the title typed in, and marks the edition as demo only when the title says 演示', async () => {
    const file = { bytes: Buffer.from(CLEAN_CSV), name: 'clean.csv' };
    const official = await upload(w.tokens.admin, file, fieldsOf({ title: '浙江省重点新材料首批次应用示范指导目录（2026年版）' }));
    expect(official.status).toBe(201);
    expect(official.body).toMatchObject({ title: '浙江省重点新材料首批次应用示范指导目录（2026年版）', isDemo: false, entryCount: 2 });
    const demo = await upload(w.tokens.admin, file, fieldsOf({ title: '演示目录' }));
    expect(demo.body).toMatchObject({ title: '演示目录', isDemo: true });
  });

  it('answers 400 naming the missing file and every bad field', async () => {
    const res = await upload(w.tokens.admin, null, { year: '二〇二六', effectiveOn: '2026-02-30' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(['docNumber', 'effectiveOn', 'file', 'year']);
  });

  it('documents the import as a multipart form in the OpenAPI document', async () => {
    const doc = await t.api.get<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> }>('/openapi.json');
    expect(Object.keys(doc.body.paths['/catalogue/editions']?.post?.requestBody?.content ?? {})).toEqual(['multipart/form-data']);
  });

  it('answers 415 to a JSON body', async () => {
    const res = await t.api.post('/catalogue/editions', fieldsOf(), w.tokens.admin);
    expect(res.status).toBe(415);
    expect(String(res.body.detail)).toContain('multipart/form-data');
  });

  it('answers 400 to a multipart body that cannot be read', async () => {
    const headers = { 'content-type': 'multipart/form-data' };
    const res = await t.api.request('POST', '/catalogue/editions', { token: w.tokens.admin, headers, raw: 'year=2026' });
    expect(res.status).toBe(400);
    expect(String(res.body.detail)).toContain('multipart');
  });

  it('answers 413 to a file over 10 MB', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
    const res = await upload(w.tokens.admin, { bytes: big, name: 'big.csv' }, fieldsOf());
    expect(res.status).toBe(413);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'file' })]);
  });

  it('answers 413 before reading a body announced as far over 10 MB', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024, 0x41);
    const res = await upload(w.tokens.admin, { bytes: big, name: 'big.csv' }, fieldsOf());
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
  });
});

describe('publishing a catalogue edition', () => {
  it('publishes a draft and supersedes the edition published before it', async () => {
    const first = await publishedDemo();
    const second = await importDraft();
    const res = await t.api.post<EditionBody>(`/catalogue/editions/${second}/publish`, {}, w.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: second, status: 'published', entryCount: demoEntries.length });
    expect(res.body.publishedAt).not.toBeNull();
    // Other files may publish in parallel: whoever came next, the first is no longer the current one.
    const before = await t.api.get<EditionBody>(`/catalogue/editions/${first}`);
    expect(before.body.status).toBe('superseded');
  });

  it('answers 409 to publishing an edition that is not a draft', async () => {
    const id = await publishedDemo();
    const res = await t.api.post(`/catalogue/editions/${id}/publish`, {}, w.tokens.admin);
    expect(res.status).toBe(409);
  });

  it('answers 404 to publishing an edition that does not exist', async () => {
    const res = await t.api.post(`/catalogue/editions/${randomUUID()}/publish`, {}, w.tokens.admin);
    expect(res.status).toBe(404);
  });

  it('shows the public a published edition with its category tree counts', async () => {
    const id = await publishedDemo();
    const res = await t.api.get<EditionBody>(`/catalogue/editions/${id}`);
    expect(res.status).toBe(200);
    const strategic = res.body.categories.find((c) => c.top === '关键战略材料');
    const expected = demoEntries.filter((e) => e.topCategory === '关键战略材料');
    expect(strategic?.entryCount).toBe(expected.length);
    const semis = strategic?.majors.find((m) => m.major === '集成电路及半导体材料');
    expect(semis?.entryCount).toBe(expected.filter((e) => e.majorCategory === '集成电路及半导体材料').length);
    expect(semis?.subs.map((s) => s.sub)).toEqual([...new Set(expected.filter((e) => e.majorCategory === '集成电路及半导体材料').map((e) => e.subCategory))]);
  });
});

describe('public catalogue search', () => {
  let edition: string;
  beforeAll(async () => {
    edition = await publishedDemo();
  });
  const search = (params: Record<string, string>, token?: string) =>
    t.api.get<EntriesBody>(`/catalogue/entries?${new URLSearchParams({ edition, ...params }).toString()}`, token);
  const seqsWhere = (keep: (e: ParsedEntry) => boolean) => demoEntries.filter(keep).map((e) => e.seq);
  const textOf = (e: ParsedEntry) => `${e.name} ${e.requirements} ${e.applicationField}`;

  it('finds entries by a Chinese substring of the name without signing in', async () => {
    const res = await search({ q: '硅晶圆' });
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => e.name)).toEqual(['低缺陷高平坦度大尺寸半导体硅晶圆']);
  });

  it('finds entries holding every space-separated word, whatever the space', async () => {
    for (const q of ['硅 晶圆', ' 晶圆　  硅 ', '半导体 300mm']) {
      const res = await search({ q });
      expect(res.status, q).toBe(200);
      expect(res.body.items.map((e) => e.name), q).toEqual(['低缺陷高平坦度大尺寸半导体硅晶圆']);
    }
    const both = await search({ q: '硅 纯度', limit: '100' });
    const expected = seqsWhere((e) => textOf(e).includes('硅') && textOf(e).includes('纯度'));
    expect(expected.length).toBeGreaterThan(0);
    expect(both.body.items.map((e) => e.seq)).toEqual(expected);
    expect((await search({ q: '晶圆 不存在的词' })).body.items).toEqual([]);
  });

  it('finds full-width letters and brackets as their ordinary forms, and the other way round', async () => {
    const ptfe = seqsWhere((e) => e.name.includes('(PTFE)'));
    expect(ptfe).toHaveLength(1);
    for (const q of ['PTFE', 'ＰＴＦＥ', 'ptfe', '（PTFE）']) expect((await search({ q })).body.items.map((e) => e.seq), q).toEqual(ptfe);
    const mbr = seqsWhere((e) => e.applicationField.includes('（MBR）'));
    expect(mbr.length).toBeGreaterThan(0);
    for (const q of ['(MBR)', '（ＭＢＲ）']) expect((await search({ q, limit: '100' })).body.items.map((e) => e.seq), q).toEqual(mbr);
  });

  it('finds entries by a substring of the performance requirements, in 序号 order', async () => {
    const res = await search({ q: '纯度', limit: '100' });
    const expected = seqsWhere((e) => textOf(e).includes('纯度'));
    expect(expected.length).toBeGreaterThan(2);
    expect(res.body.items.map((e) => e.seq)).toEqual(expected);
  });

  it('matches % and _ in the query literally', async () => {
    const percent = await search({ q: '5%', limit: '100' });
    const literal = seqsWhere((e) => textOf(e).includes('5%'));
    expect(literal.length).toBeGreaterThan(0);
    expect(percent.body.items.map((e) => e.seq)).toEqual(literal);
    expect((await search({ q: '_' })).body.items).toEqual([]);
  });

  it('filters by top, major or sub-category', async () => {
    for (const [category, keep] of [
      ['前沿新材料', (e: ParsedEntry) => e.topCategory === '前沿新材料'],
      ['先进化工材料', (e: ParsedEntry) => e.majorCategory === '先进化工材料'],
      ['膜材料', (e: ParsedEntry) => e.subCategory === '膜材料'],
    ] as const) {
      const res = await search({ category, limit: '100' });
      expect(res.body.items.map((e) => e.seq), category).toEqual(seqsWhere(keep));
      expect(res.body.items.length, category).toBeGreaterThan(0);
    }
    const both = await search({ category: '关键战略材料', q: '纯度' });
    expect(both.body.items.map((e) => e.seq)).toEqual(seqsWhere((e) => e.topCategory === '关键战略材料' && textOf(e).includes('纯度')));
  });

  it('walks every entry in 序号 order through the cursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof search>> = await search({ limit: '7', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e) => e.seq));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(demoEntries.map((e) => e.seq));
  });

  it('serves the currently published edition when none is named', async () => {
    const res = await t.api.get<EntriesBody>('/catalogue/entries?limit=1');
    expect(res.status).toBe(200);
    expect(res.body.edition.status).toBe('published');
  });

  it('ignores a blank query and refuses one longer than 100 characters', async () => {
    expect((await search({ q: '  ', limit: '100' })).body.items).toHaveLength(demoEntries.length);
    const long = await search({ q: '材'.repeat(101) });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ errors: [expect.objectContaining({ path: 'query.q' })] });
  });

  it('answers 400 to a cursor it did not give out', async () => {
    expect((await search({ cursor: 'bm90LWEtY3Vyc29y' })).status).toBe(400);
  });

  it('hides draft editions and their entries from the public but not from administrators', async () => {
    const draft = await importDraft();
    expect((await t.api.get(`/catalogue/editions/${draft}`)).status).toBe(404);
    expect((await t.api.get(`/catalogue/entries?edition=${draft}`)).status).toBe(404);
    expect((await t.api.get(`/catalogue/entries?edition=${draft}`, w.tokens.firm)).status).toBe(404);
    expect((await t.api.get(`/catalogue/editions/${draft}`, w.tokens.admin)).status).toBe(200);
    const admin = await t.api.get<EntriesBody>(`/catalogue/entries?edition=${draft}&q=${encodeURIComponent('硅晶圆')}`, w.tokens.admin);
    expect(admin.body.items).toHaveLength(1);
  });
});

describe('who may import and publish', () => {
  const refused = ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance'] as const;

  it('refuses every role but admin on import with 403, and anonymous callers with 401', async () => {
    const fields = fieldsOf();
    const file = { bytes: demoCsv, name: 'catalogue-demo.csv' };
    for (const role of refused) {
      expect((await upload(w.tokens[role], file, fields)).status, role).toBe(403);
      expect((await upload(w.tokens[role], file, fields, '?dryRun=true')).status, role).toBe(403);
    }
    expect((await upload(undefined, file, fields)).status).toBe(401);
    expect(await editionsNumbered(fields.docNumber)).toEqual([]);
  });

  it('refuses every role but admin on publish with 403, and anonymous callers with 401', async () => {
    const draft = await importDraft();
    for (const role of refused) {
      expect((await t.api.post(`/catalogue/editions/${draft}/publish`, {}, w.tokens[role])).status, role).toBe(403);
    }
    expect((await t.api.post(`/catalogue/editions/${draft}/publish`, {})).status).toBe(401);
    const after = await t.api.get<EditionBody>(`/catalogue/editions/${draft}`, w.tokens.admin);
    expect(after.body.status).toBe('draft');
  });
});

// Publishing a 2027 edition in advance must not take from the public the 2026 one that the year's
// rounds, cases and notices cite. In a database of its own: which edition is current is global.
describe('an edition published ahead of its effective date', () => {
  const own = useTestApp({ ownDatabase: true });
  interface Row {
    id: string;
    status: string;
    current: boolean;
    supersededBy: string | null;
  }
  interface Published extends EditionBody {
    superseded: string[];
    openRounds: { id: string; name: string; editionId: string; closesAt: string }[];
  }
  const setNow = (iso: string) => (own.t.app.clock as SettableClock).set(new Date(iso));
  // the factory edition is this year's; the new one is next year's, published in the spring before it takes effect
  const year = factoryDates.year;
  const nextYear = year + 1;
  const listed = async () => (await own.t.api.get<{ items: Row[] }>('/catalogue/editions')).body.items;
  const defaultEdition = async () => (await own.t.api.get<EntriesBody>('/catalogue/entries?limit=1')).body.edition.id;
  let old: string;
  let next: string;
  let published: Published;
  let closedRound: string;

  beforeAll(async () => {
    await setNow(`${nextYear}-03-01T10:00:00+08:00`);
    old = own.w.edition.id;
    closedRound = (await makeRound(own.t.app.db, { editionId: old, opensAt: new Date(`${nextYear}-01-04T09:00:00+08:00`), closesAt: new Date(`${nextYear}-02-26T17:00:00+08:00`) })).id;
    next = (await makeEdition(own.t.app.db, [{ name: '二〇二七年版新增材料' }], { status: 'draft', year: nextYear, effectiveOn: `${nextYear}-09-05`, docNumber: docNumber() })).edition.id;
    const res = await own.t.api.post<Published>(`/catalogue/editions/${next}/publish`, {}, own.w.tokens.admin);
    expect(res.status).toBe(200);
    published = res.body;
  });

  it('supersedes the old edition at once, and names the open rounds that keep it, not the closed ones', async () => {
    expect(published).toMatchObject({ id: next, status: 'published', superseded: [old] });
    expect(published.openRounds).toEqual([{ id: own.w.round.id, name: own.w.round.name, editionId: old, closesAt: own.w.round.closesAt.toISOString() }]);
    expect(published.openRounds.map((r) => r.id)).not.toContain(closedRound);
    const round = await own.t.api.get<{ editionId: string }>(`/rounds/${own.w.round.id}`, own.w.tokens.admin);
    expect(round.body.editionId).toBe(old);
  });

  it('lists both editions to anyone, the old one current and naming the edition that superseded it', async () => {
    expect(await listed()).toEqual([
      { id: next, year: nextYear, docNumber: expect.any(String), title: expect.any(String), status: 'published', effectiveOn: `${nextYear}-09-05`, isDemo: false, current: false, supersededBy: null },
      expect.objectContaining({ id: old, year, status: 'superseded', current: true, supersededBy: next }),
    ]);
  });

  it('searches the edition in force when none is named, and either edition when named, without signing in', async () => {
    expect(await defaultEdition()).toBe(old);
    const oldEntries = await own.t.api.get<EntriesBody>(`/catalogue/entries?edition=${old}`);
    expect(oldEntries.status).toBe(200);
    expect(oldEntries.body.edition).toMatchObject({ id: old, status: 'superseded' });
    expect(oldEntries.body.items.map((e) => e.name)).toEqual(own.w.entries.map((e) => e.name));
    const newEntries = await own.t.api.get<EntriesBody>(`/catalogue/entries?edition=${next}`);
    expect(newEntries.body.items.map((e) => e.name)).toEqual(['二〇二七年版新增材料']);
  });

  it('makes the new edition current on its effective date in Shanghai, while the old stays listed and searchable', async () => {
    await setNow(`${nextYear}-09-04T23:30:00+08:00`);
    expect(await defaultEdition()).toBe(old);
    // 00:30 in Shanghai is still the 4th in UTC
    await setNow(`${nextYear}-09-05T00:30:00+08:00`);
    expect(await defaultEdition()).toBe(next);
    const rows = await listed();
    expect(rows.map((r) => [r.id, r.current, r.supersededBy])).toEqual([
      [next, true, null],
      [old, false, next],
    ]);
    expect((await own.t.api.get(`/catalogue/entries?edition=${old}`)).status).toBe(200);
  });

  it('never lists a draft, and still hides it from anyone but an administrator', async () => {
    const draft = (await makeEdition(own.t.app.db, [{ name: '草稿材料' }], { status: 'draft', year: nextYear + 1, effectiveOn: `${nextYear + 1}-09-05` })).edition.id;
    expect((await listed()).map((r) => r.id)).not.toContain(draft);
    expect((await own.t.api.get(`/catalogue/entries?edition=${draft}`)).status).toBe(404);
    expect((await own.t.api.get(`/catalogue/entries?edition=${draft}`, own.w.tokens.firm)).status).toBe(404);
  });

  it('names, for each superseded edition, the edition published next after it, not the latest', async () => {
    const latest = (await makeEdition(own.t.app.db, [{ name: '二〇二八年版新增材料' }], { status: 'draft', year: nextYear + 1, effectiveOn: `${nextYear + 1}-09-05`, docNumber: docNumber() })).edition.id;
    expect((await own.t.api.post(`/catalogue/editions/${latest}/publish`, {}, own.w.tokens.admin)).status).toBe(200);
    expect((await listed()).map((r) => [r.id, r.status, r.current, r.supersededBy])).toEqual([
      [latest, 'published', false, null],
      [next, 'superseded', true, latest],
      [old, 'superseded', false, next],
    ]);
  });
});
