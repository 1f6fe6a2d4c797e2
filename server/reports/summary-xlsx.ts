import ExcelJS from 'exceljs';
import type { Worksheet } from 'exceljs';
import { stateName } from './access';
import { zh } from '../pages/i18n/zh';
import { en } from '../pages/i18n/en';
import type { RoundReport } from './round-report';
import { columnStyle, shanghaiWallClock, styleHeader, yuanNumber, type ColumnKind } from './xlsx';

// GET /reports/rounds/:id.xlsx: the round report as a workbook of three sheets. A few hundred cells
// whatever the round's size, so it is built in memory and written once; the figures are those of
// roundReport, their definitions on the summary sheet.

interface Col {
  header: string;
  kind: ColumnKind;
  width: number;
}

function sheet(workbook: ExcelJS.Workbook, name: string, cols: Col[]): Worksheet {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => ({ header: c.header, width: c.width, style: columnStyle(c.kind) }));
  styleHeader(ws.getRow(1));
  return ws;
}

const DEFINITIONS = {
  requested: '已提交申请（含其后撤回、未通过者）的保费之和；补偿金额仅在批准时核定，此处不作测算 — premiums of the cases submitted, whatever became of them',
  approved: '批准时按规则核定的补偿金额 S 之和（单户上限、按比例核减之前） — S as calculated on approval, before the cap and any reduction',
  reduced: '单户上限与按比例核减扣减的金额 = 核定补偿 − 当前补偿 — what the per-firm cap and the pro-rata reduction took',
  current: '已批准申请的当前补偿金额之和 — the current subsidy of the approved cases',
  paid: '已拨付（含其后追回中、已追回）申请的当前补偿金额之和 — the current subsidy of the cases paid',
  recovered: '财务登记的追回金额之和 — the amounts recorded as recovered',
} as const;

type CountKey = keyof RoundReport['totals']['counts'];

/** What a headline count includes, in the words of the report page (server/pages/batches.tsx). */
const countIncludes = (key: CountKey): string => `件数：${zh.batches.countsInclude[key] ?? ''} — cases: ${en.batches.countsInclude[key] ?? ''}`;

/** A row's definition: what its count includes, then what its amount sums, each where the row has one. */
const defined = (count: CountKey | null, money: string | null): string => [count ? countIncludes(count) : null, money ? `金额：${money}` : null].filter((x) => x !== null).join('\n');

function summarySheet(workbook: ExcelJS.Workbook, r: RoundReport): void {
  const ws = sheet(workbook, '概览 Summary', [
    { header: '项目 Item', kind: 'text', width: 36 },
    { header: '件数 Cases', kind: 'count', width: 12 },
    { header: '金额（元） Amount (yuan)', kind: 'money', width: 22 },
    { header: '口径 Definition', kind: 'text', width: 90 },
  ]);
  const { counts, money } = r.totals;
  const reduced = (kind: 'perFirmCap' | 'proRata') => r.reductions.find((x) => x.kind === kind);
  const rows: [string, number | null, bigint | null, string][] = [
    ['申请总数 All cases (drafts included)', counts.cases, null, defined('cases', null)],
    ['申请保费 Premiums requested', counts.submitted, money.requested, defined('submitted', DEFINITIONS.requested)],
    ['核定补偿 Approved (S as calculated)', counts.approved, money.approved, defined('approved', DEFINITIONS.approved)],
    ['核减 Reduced', null, money.reduced, defined(null, DEFINITIONS.reduced)],
    ['　其中：单户上限 of which the per-firm cap', reduced('perFirmCap')?.cases ?? 0, reduced('perFirmCap')?.fen ?? 0n, ''],
    ['　其中：按比例核减 of which pro-rata', reduced('proRata')?.cases ?? 0, reduced('proRata')?.fen ?? 0n, ''],
    ['当前补偿 Current subsidy', counts.approved, money.current, defined('approved', DEFINITIONS.current)],
    ['已拨付 Paid', counts.paid, money.paid, defined('paid', DEFINITIONS.paid)],
    ['已追回 Recovered', counts.recovered, money.recovered, defined('recovered', DEFINITIONS.recovered)],
  ];
  for (const [item, n, fen, definition] of rows) {
    const row = ws.addRow([item, n, fen === null ? null : yuanNumber(fen), definition]);
    row.getCell(4).alignment = { wrapText: true, vertical: 'top' };
  }
  ws.addRow([]);
  // the counts are cumulative where the state sheet counts each case once: said once, under the figures
  ws.addRow(['口径说明 Note', null, null, `${zh.batches.countsNote}\n${en.batches.countsNote}`]).getCell(4).alignment = { wrapText: true, vertical: 'top' };
  ws.addRow(['批次 Round', null, null, `${r.round.name} (${r.round.year})`]);
  const at = ws.addRow(['生成时间（北京时间） Generated at (Beijing time)', null, null, shanghaiWallClock(r.generatedAt)]);
  at.getCell(4).numFmt = 'yyyy-mm-dd hh:mm:ss';
  at.getCell(4).alignment = { horizontal: 'left' };
}

function byStateSheet(workbook: ExcelJS.Workbook, r: RoundReport): void {
  const cities = r.byCity;
  const ws = sheet(workbook, '按状态 By state', [
    { header: '状态 State', kind: 'text', width: 18 },
    { header: '名称 Name', kind: 'text', width: 30 },
    { header: '合计 Total', kind: 'count', width: 12 },
    ...cities.map((c): Col => ({ header: `${c.name} ${c.nameEn}`, kind: 'count', width: 14 })),
  ]);
  const cell = new Map(r.byStateAndCity.map((x) => [`${x.state}|${x.city}`, x.count]));
  for (const s of r.byState) {
    const name = stateName(s.state);
    ws.addRow([s.state, `${name.zh} ${name.en}`, s.count, ...cities.map((c) => cell.get(`${s.state}|${c.city}`) ?? 0)]);
  }
  const total = ws.addRow(['合计 Total', null, r.totals.counts.cases, ...cities.map((c) => c.counts.cases)]);
  total.font = { bold: true };
  ws.addRow([]);
  ws.addRow(['口径说明 Note', `${zh.batches.byStateNote} ${en.batches.byStateNote}`]);
}

function byCitySheet(workbook: ExcelJS.Workbook, r: RoundReport): void {
  const ws = sheet(workbook, '按城市 By city', [
    { header: '城市代码 City code', kind: 'text', width: 12 },
    { header: '城市 City', kind: 'text', width: 18 },
    { header: '申请数 Cases', kind: 'count', width: 10 },
    { header: '已提交 Submitted', kind: 'count', width: 10 },
    { header: '申请保费（元） Premiums requested', kind: 'money', width: 20 },
    { header: '已批准 Approved cases', kind: 'count', width: 10 },
    { header: '核定补偿（元） Approved', kind: 'money', width: 18 },
    { header: '核减（元） Reduced', kind: 'money', width: 16 },
    { header: '当前补偿（元） Current', kind: 'money', width: 18 },
    { header: '已拨付 Paid cases', kind: 'count', width: 10 },
    { header: '已拨付（元） Paid', kind: 'money', width: 18 },
    { header: '已追回 Recovered cases', kind: 'count', width: 10 },
    { header: '已追回（元） Recovered', kind: 'money', width: 16 },
  ]);
  const line = (code: string | null, name: string, c: RoundReport['totals']['counts'], m: RoundReport['totals']['money']) =>
    ws.addRow([code, name, c.cases, c.submitted, yuanNumber(m.requested), c.approved, yuanNumber(m.approved), yuanNumber(m.reduced), yuanNumber(m.current), c.paid, yuanNumber(m.paid), c.recovered, yuanNumber(m.recovered)]);
  for (const c of r.byCity) line(c.city, `${c.name} ${c.nameEn}`, c.counts, c.money);
  line(null, '合计 Total', r.totals.counts, r.totals.money).font = { bold: true };
}

export async function summaryWorkbook(r: RoundReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'firstbatch';
  workbook.created = r.generatedAt;
  summarySheet(workbook, r);
  byStateSheet(workbook, r);
  byCitySheet(workbook, r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
