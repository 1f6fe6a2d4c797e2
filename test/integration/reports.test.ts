import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { cases, rounds } from '../../db/schema';
import type { User } from '../../server/context';
import { deliverEvent } from '../../server/engine/deliver';
import { AppError } from '../../server/errors';
import { exportApprovedCases } from '../../server/reports/cases-export';
import { StreamClosed } from '../../server/streams';
import { attachRequiredDocuments, factoryDates, makeRound } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { makeWorld, type World } from '../support/world';

const { t } = useTestApp({ world: false });

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Money {
  requested: string;
  approved: string;
  reduced: string;
  current: string;
  paid: string;
  recovered: string;
}
interface Counts {
  cases: number;
  submitted: number;
  approved: number;
  paid: number;
  recovered: number;
}
interface Report {
  round: { id: string; name: string; year: number };
  totals: { counts: Counts; money: Money };
  byState: { state: string; nameZh: string; nameEn: string; count: number }[];
  byCity: { city: string; name: string; nameEn: string; counts: Counts; money: Money }[];
  byStateAndCity: { state: string; city: string; count: number }[];
  reductions: { kind: string; cases: number; amount: string }[];
  claims: unknown[];
}

/** The events a disbursement batch sends its case, delivered through the engine as the outbox would. */
async function paidThroughBatch(caseId: string): Promise<void> {
  const batchId = randomUUID();
  for (const event of [
    { type: 'BATCHED', batchId },
    { type: 'BATCH_APPROVED', batchId },
    { type: 'PAID', batchId, paymentId: `P-${caseId.slice(0, 8)}`, reference: 'BANK-REF-1', paidOn: '2026-12-01' },
  ]) {
    const outcome = await deliverEvent(t.app, { eventId: randomUUID(), from: { kind: 'batch', id: batchId }, to: { kind: 'case', ids: [caseId] }, event });
    expect(outcome, event.type).toEqual({ applied: 1, refused: 0 });
  }
}

async function send(w: World, id: string, event: Record<string, unknown>, who: keyof World['tokens']): Promise<void> {
  const res = await t.api.post(`/cases/${id}/events`, event, w.tokens[who]);
  expect(res.status, `${String(event.type)}: ${JSON.stringify(res.body)}`).toBe(200);
}

/** A case approved with the contract amount, liability limit and premium given (yuan strings). */
function approvedWith(w: World, contract: string, limit: string, premium: string): Promise<string> {
  const body = w.caseBody();
  return w.caseIn('approved', { contract: { ...body.contract, amount: contract }, policy: { ...body.policy, liabilityLimit: limit, premium } });
}

const premium = (w: World, amount: string) => ({ policy: { ...w.caseBody().policy, premium: amount } });

async function download(path: string, token?: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${t.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

/** The row whose cell in column `col` (the first unless told) holds `label`. */
function rowStartingWith(sheet: ExcelJS.Worksheet, label: string, col = 1): ExcelJS.Row {
  let found: ExcelJS.Row | undefined;
  sheet.eachRow((row) => {
    if (row.getCell(col).value === label) found = row;
  });
  if (!found) throw new Error(`no row "${label}" in ${sheet.name}`);
  return found;
}

function expectMoneyCell(cell: ExcelJS.Cell, yuan: number): void {
  expect(cell.type, `${cell.address} is a number`).toBe(ExcelJS.ValueType.Number);
  expect(cell.value, cell.address).toBe(yuan);
  expect(cell.numFmt, cell.address).toBe('#,##0.00');
}

function expectCountCell(cell: ExcelJS.Cell, n: number): void {
  expect(cell.type, `${cell.address} is a number`).toBe(ExcelJS.ValueType.Number);
  expect(cell.value, cell.address).toBe(n);
}

/**
 * One round of the test's own, with the money of SPEC §6's worked examples and a per-firm cap of
 * 1,010,000.00 yuan:
 * - A: example 1, S = 1,000,000.00; paid, then recovered in part (400,000.00);
 * - B: example 2, S = 24,000.00, of which the cap leaves 10,000.00 (the firm had 1,000,000.00); paid;
 * - C: in municipal review, premium 1,500,000.00; D: withdrawn in review, premium 20,000.00;
 * - E: a draft, premium 1,500,000.00, never submitted;
 * - F: the Ningbo firm's case in municipal review, premium 30,000.00.
 */
describe('the round report', () => {
  let w: World;
  const ids: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', string> = { a: '', b: '', c: '', d: '', e: '', f: '' };

  beforeAll(async () => {
    w = await makeWorld(t.app.db, t.api, t.app);
    await t.app.db.update(rounds).set({ perFirmCapFen: 101_000_000n }).where(eq(rounds.id, w.round.id));
    ids.a = await approvedWith(w, '10000000.00', '60000000.00', '1500000.00');
    ids.b = await approvedWith(w, '300000.00', '1000000.00', '45000.00');
    await paidThroughBatch(ids.a);
    await paidThroughBatch(ids.b);
    // two claims under B's policy: one paid 9,000.00 by the insurer, one denied
    for (const decision of [{ type: 'PAY', amount: '9000.00', reference: 'PICC-PAY-1' }, { type: 'DENY', reason: '不属于保险责任范围' }]) {
      const claim = await t.api.post<{ id: string }>(`/cases/${ids.b}/claims`, { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '12000.00', description: '批次产品表面缺陷，用户退货' }, w.tokens.firm);
      expect(claim.status).toBe(201);
      expect((await t.api.post(`/claims/${claim.body.id}/events`, decision, w.tokens.insurer)).status).toBe(200);
    }
    ids.c = await w.caseIn('municipal');
    ids.d = await w.caseIn('municipal', premium(w, '20000.00'));
    await send(w, ids.d, { type: 'WITHDRAW', reason: '合同取消' }, 'firm');
    ids.e = await w.caseIn('draft');
    const created = await t.api.post<{ id: string }>('/cases', w.caseBody(premium(w, '30000.00')), w.tokens.otherFirm);
    expect(created.status).toBe(201);
    ids.f = created.body.id;
    await attachRequiredDocuments(t.app.db, ids.f, w.people.otherFirm.id);
    await send(w, ids.f, { type: 'SUBMIT' }, 'otherFirm');
    // last: the recovery bars the firm from submitting again
    await send(w, ids.a, { type: 'START_RECOVERY', reason: '伪造保费发票' }, 'provincial');
    await send(w, ids.a, { type: 'RECOVERED', amount: '400000.00', reference: 'BACK-1' }, 'finance');
  }, 120_000);

  const report = (token = w.tokens.finance) => t.api.get<Report>(`/reports/rounds/${w.round.id}`, token);

  it('adds up the money of worked examples 1 and 2: requested, approved, reduced by the cap, paid and recovered', async () => {
    const res = await report();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.round).toEqual({ id: w.round.id, name: w.round.name, year: w.round.year });
    expect(res.body.totals).toEqual({
      counts: { cases: 6, submitted: 5, approved: 2, paid: 2, recovered: 1 },
      money: {
        // A 1,500,000 + B 45,000 + C 1,500,000 + D 20,000 (withdrawn after submission) + F 30,000; never the draft E
        requested: '3095000.00',
        // S as calculated: 1,000,000.00 + 24,000.00
        approved: '1024000.00',
        // the cap took 24,000.00 − 10,000.00 from B
        reduced: '14000.00',
        current: '1010000.00',
        // A (recovered since) and B, at their current subsidy
        paid: '1010000.00',
        recovered: '400000.00',
      },
    });
    expect(res.body.reductions).toEqual([{ kind: 'perFirmCap', cases: 1, amount: '14000.00' }]);
    // both approved cases are of one entry and one insurer: premiums 1,545,000.00, 9,000.00 paid on claims
    expect(res.body.claims).toEqual([
      { catalogueEntryId: w.entry.id, entryName: w.entry.name, insurerId: w.insurer.id, insurerName: w.insurer.name, premiums: '1545000.00', claims: 2, claimsPaid: 1, paidAmount: '9000.00', lossRatio: '0.0058' },
    ]);
  });

  it('counts cases per state in workflow order, per city with its Chinese name, and per state and city', async () => {
    const { body } = await report(w.tokens.provincial);
    expect(body.byState.map((s) => [s.state, s.count])).toEqual([
      ['draft', 1],
      ['municipal', 2],
      ['withdrawn', 1],
      ['paid', 1],
      ['recovered', 1],
    ]);
    expect(body.byState[1]).toEqual({ state: 'municipal', nameZh: '市级初审', nameEn: 'Municipal review', count: 2 });
    expect(body.byCity).toHaveLength(11);
    const hangzhou = body.byCity.find((c) => c.city === '330100');
    const ningbo = body.byCity.find((c) => c.city === '330200');
    expect(hangzhou).toMatchObject({ name: '杭州市', nameEn: 'Hangzhou', counts: { cases: 5, submitted: 4, approved: 2, paid: 2, recovered: 1 } });
    expect(hangzhou?.money).toEqual({ requested: '3065000.00', approved: '1024000.00', reduced: '14000.00', current: '1010000.00', paid: '1010000.00', recovered: '400000.00' });
    expect(ningbo).toMatchObject({ name: '宁波市', counts: { cases: 1, submitted: 1, approved: 0, paid: 0, recovered: 0 } });
    expect(ningbo?.money).toMatchObject({ requested: '30000.00', approved: '0.00', paid: '0.00' });
    expect(body.byCity.find((c) => c.city === '331100')).toMatchObject({ name: '丽水市', counts: { cases: 0 }, money: { requested: '0.00' } });
    expect(body.byStateAndCity).toEqual([
      { state: 'draft', city: '330100', count: 1 },
      { state: 'municipal', city: '330100', count: 1 },
      { state: 'municipal', city: '330200', count: 1 },
      { state: 'withdrawn', city: '330100', count: 1 },
      { state: 'paid', city: '330100', count: 1 },
      { state: 'recovered', city: '330100', count: 1 },
    ]);
  });

  it('answers the same figures as a workbook: money as numbers in yuan with two decimals, counts as integers, never text', async () => {
    const res = await download(`/reports/rounds/${w.round.id}.xlsx`, w.tokens.finance);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const fileName = `${w.round.name}-补偿资金报表.xlsx`;
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const workbook = await workbookOf(res.bytes);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['概览 Summary', '按状态 By state', '按城市 By city']);

    const summary = workbook.getWorksheet('概览 Summary');
    if (!summary) throw new Error('no summary sheet');
    expect(summary.getRow(1).values).toEqual([undefined, '项目 Item', '件数 Cases', '金额（元） Amount (yuan)', '口径 Definition']);
    const requested = rowStartingWith(summary, '申请保费 Premiums requested');
    expectCountCell(requested.getCell(2), 5);
    expectMoneyCell(requested.getCell(3), 3095000);
    expectMoneyCell(rowStartingWith(summary, '核定补偿 Approved (S as calculated)').getCell(3), 1024000);
    expectMoneyCell(rowStartingWith(summary, '核减 Reduced').getCell(3), 14000);
    expectMoneyCell(rowStartingWith(summary, '　其中：单户上限 of which the per-firm cap').getCell(3), 14000);
    expectMoneyCell(rowStartingWith(summary, '当前补偿 Current subsidy').getCell(3), 1010000);
    const paid = rowStartingWith(summary, '已拨付 Paid');
    expectCountCell(paid.getCell(2), 2);
    expectMoneyCell(paid.getCell(3), 1010000);
    // each row says what its count includes as the report page does, then what its amount sums
    expect(paid.getCell(4).value).toBe(
      '件数：含其后追回中、已追回者 — cases: including those since under recovery or recovered\n金额：已拨付（含其后追回中、已追回）申请的当前补偿金额之和 — the current subsidy of the cases paid',
    );
    expect(rowStartingWith(summary, '申请总数 All cases (drafts included)').getCell(4).value).toBe('件数：含草稿 — cases: drafts included');
    expect(String(rowStartingWith(summary, '核定补偿 Approved (S as calculated)').getCell(4).value)).toMatch(/^件数：批准过的申请，含其后补偿已核定.*\n金额：批准时按规则核定/s);
    expect(String(rowStartingWith(summary, '口径说明 Note').getCell(4).value)).toMatch(/^申请数为累计口径.*\nApplication counts are cumulative/s);
    expectMoneyCell(rowStartingWith(summary, '已追回 Recovered').getCell(3), 400000);

    const byState = workbook.getWorksheet('按状态 By state');
    if (!byState) throw new Error('no state sheet');
    expect(byState.getRow(1).getCell(4).value).toBe('杭州市 Hangzhou');
    const municipal = rowStartingWith(byState, 'municipal');
    expect(municipal.getCell(2).value).toBe('市级初审 Municipal review');
    expectCountCell(municipal.getCell(3), 2);
    expectCountCell(municipal.getCell(4), 1);
    expectCountCell(municipal.getCell(5), 1);
    expectCountCell(rowStartingWith(byState, '合计 Total').getCell(3), 6);
    expect(rowStartingWith(byState, '口径说明 Note').getCell(2).value).toBe('每件申请按当前状态计一次。 Each case once, in its current state.');

    const byCity = workbook.getWorksheet('按城市 By city');
    if (!byCity) throw new Error('no city sheet');
    const hangzhou = rowStartingWith(byCity, '330100');
    expect(hangzhou.getCell(2).value).toBe('杭州市 Hangzhou');
    expectCountCell(hangzhou.getCell(3), 5);
    expectMoneyCell(hangzhou.getCell(5), 3065000);
    expectMoneyCell(hangzhou.getCell(7), 1024000);
    expectMoneyCell(hangzhou.getCell(8), 14000);
    expectMoneyCell(hangzhou.getCell(11), 1010000);
    expectMoneyCell(hangzhou.getCell(13), 400000);
    const total = rowStartingWith(byCity, '合计 Total', 2);
    expect(total.getCell(1).value).toBeNull();
    expectMoneyCell(total.getCell(5), 3095000);
  });

  it('exports one row per approved case, in approval order, with the derivation as calculated and each adjustment', async () => {
    const res = await download(`/reports/rounds/${w.round.id}/cases.xlsx`, w.tokens.provincial);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(`${w.round.name}-已批准申请明细.xlsx`)}`);
    const workbook = await workbookOf(res.bytes);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.name).toBe('已批准申请 Approved cases');
    expect(sheet.actualRowCount).toBe(3);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toHaveLength(22);
    const col = (name: string) => header.indexOf(name) + 1;
    const [a, b] = [sheet.getRow(2), sheet.getRow(3)];
    const numbers = await t.app.database.sql<{ id: string; number: string }[]>`select id, number from cases where id in (${ids.a}, ${ids.b})`;
    expect(a.getCell(col('申请编号 Case number')).value).toBe(numbers.find((n) => n.id === ids.a)?.number);
    expect(b.getCell(col('申请编号 Case number')).value).toBe(numbers.find((n) => n.id === ids.b)?.number);
    expect(a.getCell(col('城市 City')).value).toBe('杭州市');
    expect(a.getCell(col('目录条目 Catalogue entry')).value).toBe('低缺陷高平坦度大尺寸半导体硅晶圆');
    expect(a.getCell(col('状态 State')).value).toBe('recovered');
    expect(b.getCell(col('状态 State')).value).toBe('paid');
    // a spreadsheet has no time zone: the cell shows Beijing's wall-clock time
    const [approvedA] = await t.app.db.select({ at: cases.approvedAt }).from(cases).where(eq(cases.id, ids.a));
    const shown = a.getCell(col('批准时间（北京时间） Approved at (Beijing time)')).value;
    expect(shown).toBeInstanceOf(Date);
    expect(Math.abs((shown as Date).getTime() - ((approvedA?.at?.getTime() ?? 0) + 8 * 3600_000))).toBeLessThan(1000);

    // example 1: C 10,000,000, L 60,000,000, P 1,500,000 → L′ 50,000,000, E 1,250,000, S 1,000,000
    expectMoneyCell(a.getCell(col('保费 P Premium')), 1500000);
    expectMoneyCell(a.getCell(col('合同金额 C Contract amount')), 10000000);
    expectMoneyCell(a.getCell(col('责任限额 L Liability limit')), 60000000);
    expectMoneyCell(a.getCell(col('补偿责任限额 L′ Subsidised limit')), 50000000);
    expectMoneyCell(a.getCell(col('可补偿保费 E Eligible premium')), 1250000);
    expectMoneyCell(a.getCell(col('核定补偿 S Subsidy as calculated')), 1000000);
    expectMoneyCell(a.getCell(col('单户上限核减 Per-firm cap')), 0);
    expectMoneyCell(a.getCell(col('当前补偿 Current subsidy')), 1000000);
    expectMoneyCell(a.getCell(col('追回金额 Recovered')), 400000);
    expect(a.getCell(col('标记 Flags')).value).toBe('限额按合同金额倍数封顶 limit capped by the contract multiple');
    expect(a.getCell(col('规则版本 Rule version')).value).toBe('spec-6/v1');

    // example 2: E 30,000 at the 3 % cap, S 24,000, of which the per-firm cap leaves 10,000
    expectMoneyCell(b.getCell(col('可补偿保费 E Eligible premium')), 30000);
    expectMoneyCell(b.getCell(col('核定补偿 S Subsidy as calculated')), 24000);
    expectMoneyCell(b.getCell(col('单户上限核减 Per-firm cap')), 14000);
    expectMoneyCell(b.getCell(col('按比例核减 Pro-rata reduction')), 0);
    expectMoneyCell(b.getCell(col('当前补偿 Current subsidy')), 10000);
    expect(b.getCell(col('追回金额 Recovered')).value).toBeNull();
    expect(b.getCell(col('标记 Flags')).value).toBe('费率超过上限 premium rate above the cap');
  });

  it('shows beside each count of the workbook the count it names: submitted, approved, paid, recovered, and no pro-rata reduction', async () => {
    const workbook = await workbookOf((await download(`/reports/rounds/${w.round.id}.xlsx`, w.tokens.finance)).bytes);
    const summary = workbook.getWorksheet('概览 Summary');
    if (!summary) throw new Error('no summary sheet');
    expectCountCell(rowStartingWith(summary, '申请总数 All cases (drafts included)').getCell(2), 6);
    expectCountCell(rowStartingWith(summary, '核定补偿 Approved (S as calculated)').getCell(2), 2);
    expectCountCell(rowStartingWith(summary, '　其中：单户上限 of which the per-firm cap').getCell(2), 1);
    const proRata = rowStartingWith(summary, '　其中：按比例核减 of which pro-rata');
    expectCountCell(proRata.getCell(2), 0);
    expectMoneyCell(proRata.getCell(3), 0);
    const recovered = rowStartingWith(summary, '已追回 Recovered');
    expectCountCell(recovered.getCell(2), 1);

    const byCity = workbook.getWorksheet('按城市 By city');
    if (!byCity) throw new Error('no city sheet');
    // Hangzhou: 5 cases, 4 submitted (not the draft E), 2 approved, both paid, 1 recovered
    const hangzhou = rowStartingWith(byCity, '330100');
    for (const [col, n] of [[3, 5], [4, 4], [6, 2], [10, 2], [12, 1]] as const) expectCountCell(hangzhou.getCell(col), n);
    const ningbo = rowStartingWith(byCity, '330200');
    for (const [col, n] of [[3, 1], [4, 1], [6, 0], [10, 0], [12, 0]] as const) expectCountCell(ningbo.getCell(col), n);
  });

  it('names on each exported row the firm, its USCC, the entry’s number and the state in Chinese', async () => {
    const sheet = (await workbookOf((await download(`/reports/rounds/${w.round.id}/cases.xlsx`, w.tokens.finance)).bytes)).worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const [a, b] = [sheet.getRow(2), sheet.getRow(3)];
    for (const row of [a, b]) {
      expect(row.getCell(col('申报企业 Firm')).value).toBe(w.firm.name);
      expect(row.getCell(col('统一社会信用代码 USCC')).value).toBe(w.firm.uscc);
      expect(row.getCell(col('城市代码 City code')).value).toBe('330100');
      expectCountCell(row.getCell(col('目录序号 Entry no.')), w.entry.seq);
    }
    expect([a, b].map((r) => r.getCell(col('状态名称 State name')).value)).toEqual(['已追回', '已拨付']);
  });

  it('cuts the connection when the export fails part-way, so that a truncated workbook cannot pass for a whole one', async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    // 600 copies of case A, more than a batch of the cursor; the last one's stored flags are broken
    await t.app.database.sql`
      insert into cases (number, round_id, enterprise_id, city, catalogue_entry_id, material, user_unit, contract, contract_amount_fen,
        policy, insurer_id, liability_limit_fen, premium_fen, state, machine_version, snapshot, created_by, submitted_at, approved_at,
        subsidy_fen, subsidy_derivation)
      select 'CUT-' || ${round.id.slice(0, 8)} || '-' || s, ${round.id}, c.enterprise_id, c.city, c.catalogue_entry_id, c.material, c.user_unit,
        c.contract, c.contract_amount_fen, jsonb_set(c.policy, '{number}', to_jsonb('CUT-' || gen_random_uuid())), c.insurer_id,
        c.liability_limit_fen, c.premium_fen, 'calculated', c.machine_version, c.snapshot, c.created_by, c.submitted_at,
        c.approved_at + make_interval(secs => s), c.subsidy_fen,
        case when s = 600 then jsonb_set(c.subsidy_derivation, '{flags}', '"broken"') else c.subsidy_derivation end
      from cases c, generate_series(1, 600) s where c.id = ${ids.a}`;
    const res = await fetch(`${t.url}/api/v1/reports/rounds/${round.id}/cases.xlsx`, { headers: { authorization: `Bearer ${w.tokens.finance}` } });
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    // the failure let go of its export slot and its connection: the next export of the round is served
    expect((await download(`/reports/rounds/${w.round.id}/cases.xlsx`, w.tokens.finance)).status).toBe(200);
  });
});

describe('a round with a subsidy approved and not yet paid', () => {
  it('counts and sums it as current, not as paid, on the summary and the city sheet', async () => {
    const w = await makeWorld(t.app.db, t.api, t.app);
    const paid = await approvedWith(w, '300000.00', '1000000.00', '45000.00');
    await paidThroughBatch(paid);
    await approvedWith(w, '10000000.00', '60000000.00', '1500000.00');
    const res = await t.api.get<Report>(`/reports/rounds/${w.round.id}`, w.tokens.finance);
    expect(res.body.totals.counts).toMatchObject({ approved: 2, paid: 1 });
    expect(res.body.totals.money).toMatchObject({ current: '1024000.00', paid: '24000.00' });

    const workbook = await workbookOf((await download(`/reports/rounds/${w.round.id}.xlsx`, w.tokens.finance)).bytes);
    const summary = workbook.getWorksheet('概览 Summary');
    if (!summary) throw new Error('no summary sheet');
    const current = rowStartingWith(summary, '当前补偿 Current subsidy');
    expectCountCell(current.getCell(2), 2);
    expectMoneyCell(current.getCell(3), 1024000);
    const paidRow = rowStartingWith(summary, '已拨付 Paid');
    expectCountCell(paidRow.getCell(2), 1);
    expectMoneyCell(paidRow.getCell(3), 24000);
    const byCity = workbook.getWorksheet('按城市 By city');
    if (!byCity) throw new Error('no city sheet');
    for (const row of [rowStartingWith(byCity, '330100'), rowStartingWith(byCity, '合计 Total', 2)]) {
      expectCountCell(row.getCell(6), 2);
      expectMoneyCell(row.getCell(9), 1024000);
      expectCountCell(row.getCell(10), 1);
      expectMoneyCell(row.getCell(11), 24000);
    }
  });
});

describe('a round with nothing approved', () => {
  it('reports zeros and exports a workbook with only its header row', async () => {
    const w = await makeWorld(t.app.db, t.api, t.app);
    const empty = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const res = await t.api.get<Report>(`/reports/rounds/${empty.id}`, w.tokens.finance);
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({
      counts: { cases: 0, submitted: 0, approved: 0, paid: 0, recovered: 0 },
      money: { requested: '0.00', approved: '0.00', reduced: '0.00', current: '0.00', paid: '0.00', recovered: '0.00' },
    });
    expect(res.body.byState).toEqual([]);
    expect(res.body.reductions).toEqual([]);
    const file = await download(`/reports/rounds/${empty.id}/cases.xlsx`, w.tokens.finance);
    expect(file.status).toBe(200);
    const sheet = (await workbookOf(file.bytes)).worksheets[0];
    expect(sheet?.actualRowCount).toBe(1);
    expect(sheet?.getRow(1).getCell(1).value).toBe('申请编号 Case number');
  });
});

describe('who reads round reports', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(t.app.db, t.api, t.app);
  });
  const paths = (id: string) => [`/reports/rounds/${id}`, `/reports/rounds/${id}.xlsx`, `/reports/rounds/${id}/cases.xlsx`];

  it('lets finance and provincial reviewers read every report of a round', async () => {
    for (const path of paths(w.round.id)) {
      for (const who of ['finance', 'provincial'] as const) expect((await download(path, w.tokens[who])).status, `${who} ${path}`).toBe(200);
    }
  });

  it('refuses the firm, municipal and insurer staff, experts and administrators with 403, and anonymous callers with 401', async () => {
    for (const path of paths(w.round.id)) {
      for (const who of ['firm', 'municipal', 'insurer', 'expert', 'admin'] as const) {
        const res = await t.api.get<{ errors: { code: string; messageZh: string }[] }>(path, w.tokens[who]);
        expect(res.status, `${who} ${path}`).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.errors[0]?.messageZh).toContain('财务');
      }
      expect((await t.api.get(path)).status, path).toBe(401);
    }
  });

  it('answers 404 for an unknown round and 400 for an id that is not one, as problems', async () => {
    for (const path of paths(randomUUID())) {
      const res = await t.api.get<{ detail: string }>(path, w.tokens.finance);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('content-disposition')).toBeNull();
    }
    for (const path of paths('not-a-round')) {
      const res = await t.api.get<{ errors: { path: string }[] }>(path, w.tokens.finance);
      expect(res.status, path).toBe(400);
      expect(res.body.errors.map((e) => e.path)).toEqual(['params.id']);
    }
  });

  it('answers 429 with Retry-After while two exports are being downloaded, and serves again once they end', async () => {
    const user: User = { ...w.people.finance, name: 'finance', city: null, enterpriseId: null, insurerId: null, affiliations: [], roles: ['finance'] };
    /** An export whose reader takes nothing, once it holds a slot (one just served may still hold its own for a moment). */
    async function stuckExport(): Promise<{ reader: Writable; outcome: Promise<unknown> }> {
      for (let attempt = 0; attempt < 50; attempt++) {
        const reader = new Writable({ highWaterMark: 1, write: () => undefined });
        let opened = () => undefined as void;
        const open = new Promise<'open'>((resolve) => (opened = () => resolve('open')));
        const outcome = exportApprovedCases({ app: t.app, user, requestId: randomUUID() }, w.round.id, () => (opened(), reader)).then(
          () => 'finished',
          (err: unknown) => err,
        );
        const first = await Promise.race([open, outcome]);
        if (first === 'open') return { reader, outcome };
        if (!(first instanceof AppError && first.kind === 'too_many_requests')) throw first;
        await setTimeout(20);
      }
      throw new Error('no export slot came free');
    }
    const stuck = [await stuckExport(), await stuckExport()];
    for (const who of ['finance', 'provincial'] as const) {
      const refused = await t.api.get(`/reports/rounds/${w.round.id}/cases.xlsx`, w.tokens[who]);
      expect(refused.status, who).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    for (const { reader } of stuck) reader.destroy();
    for (const { outcome } of stuck) expect(await outcome).toBeInstanceOf(StreamClosed);
    expect((await download(`/reports/rounds/${w.round.id}/cases.xlsx`, w.tokens.finance)).status).toBe(200);
  });

  it('documents the workbooks as binary spreadsheet answers in the OpenAPI document', async () => {
    type Doc = { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema?: { format?: string } }> }> } }> };
    const doc = (await t.api.get<Doc>('/openapi.json')).body;
    for (const path of ['/reports/rounds/{id}.xlsx', '/reports/rounds/{id}/cases.xlsx']) {
      expect(doc.paths[path]?.get?.responses['200']?.content, path).toEqual({ [XLSX]: { schema: expect.objectContaining({ type: 'string', format: 'binary' }) } });
    }
    expect(doc.paths['/reports/rounds/{id}']?.get?.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/RoundReport' });
  });
});
