import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { catalogueEntries, notices, outbox, rounds, users } from '../db/schema';
import { publishNotice } from '../server/notices/publish';
import { fileObjection, objectionSchema } from '../server/notices/file-objection';
import { sweepDue } from '../server/engine/timers';
import { deliverEvent, deliveryPayload } from '../server/engine/deliver';
import type { AppContext, ServiceContext } from '../server/context';
import { toUser } from '../server/auth/sessions';
import { SettableClock } from '../server/clock';
import { createCase } from '../server/cases/create';
import { sendCaseEvent } from '../server/cases/send-event';
import { caseCreateSchema, eventBodySchema } from '../server/cases/body';
import type { DocumentType } from '../db/schema';
import { batchCandidates, createBatch, createBatchSchema } from '../server/batches/create';
import { sendBatchEvent } from '../server/batches/send-event';
import { batchEventBodySchema } from '../server/batches/body';
import { demoUserUnits } from './data/firms';
import { attachRequiredDocuments, completeCaseBody } from './factories';

// A first visit has something to show (SPEC §10): a dozen applications spread over the states of
// the chart, each driven there through the same services the API calls, as the demo accounts act,
// so their history, clocks, emails and inboxes are those of real work — not snapshots written in.

type Who = 'firm' | 'firm2' | 'municipal.hz' | 'municipal.nb' | 'provincial' | 'provincial2' | 'insurer.picc' | 'expert1' | 'expert2' | 'expert3' | 'finance1';
type Step = readonly [Who, Record<string, unknown>];

const returned = { type: 'RETURN', reasons: [{ path: 'documents.test_report', message: '检测报告缺少第三方检测机构盖章页，请补充' }] };
const score = (points: [number, number, number, number]) => ({
  type: 'SCORE',
  scores: { innovation: points[0], firstBatch: points[1], market: points[2], risk: points[3] },
  opinion: '材料性能指标达到目录要求，首批次应用场景明确。',
});
const toExperts: Step[] = [
  ['insurer.picc', { type: 'VERIFY_POLICY' }],
  ['municipal.hz', { type: 'APPROVE', comment: '材料齐全，同意报送省厅' }],
  ['provincial', { type: 'APPROVE', comment: '同意进入专家评审' }],
];
const panel = (ids: Record<string, string>) => ['provincial', { type: 'ASSIGN_EXPERTS', expertIds: ['expert1', 'expert2', 'expert3'].map((e) => ids[e]) }] as const;

/** Each demo application: whose it is, what it is, and the events that bring it where it stays. */
/** `entry` is the catalogue entry's sequence number (序号) in seeds/data/catalogue-demo.csv; the material is [name, specification, unit]. */
type Plan = { firm: 'firm' | 'firm2'; entry: number; material: readonly [string, string, string]; steps: Step[]; submit: boolean; notice?: 'closed' | 'open' };
function plans(ids: Record<string, string>): Plan[] {
  const accepted: Step[] = [panel(ids), ['expert1', { type: 'ACCEPT_ASSIGNMENT', noConflict: true }], ['expert2', { type: 'ACCEPT_ASSIGNMENT', noConflict: true }], ['expert3', { type: 'ACCEPT_ASSIGNMENT', noConflict: true }]];
  const passed: Step[] = [...toExperts, ...accepted, ['expert1', score([25, 26, 16, 15])], ['expert2', score([24, 25, 15, 16])], ['expert3', score([26, 24, 17, 15])]];
  return [
    { firm: 'firm', entry: 19, material: ['12英寸硅抛光片', '300 mm，P型<100>', '片'], submit: false, steps: [] },
    { firm: 'firm2', entry: 38, material: ['高性能烧结钕铁硼永磁体', '52SH', '件'], submit: false, steps: [] },
    { firm: 'firm', entry: 20, material: ['8英寸重掺单晶硅片', '200 mm，N型<100>', '片'], submit: true, steps: [] },
    { firm: 'firm2', entry: 39, material: ['宽温低损耗MnZn功率铁氧体磁芯', 'PQ50/50', '件'], submit: true, steps: [['insurer.picc', { type: 'VERIFY_POLICY' }]] },
    { firm: 'firm', entry: 24, material: ['光纤预制棒用超纯四氯化硅', '6N，金属杂质≤1 ppb', '千克'], submit: true, steps: [['municipal.hz', returned]] },
    { firm: 'firm', entry: 21, material: ['6英寸导电型碳化硅单晶衬底', '150 mm，4H-N型', '片'], submit: true, steps: toExperts.slice(0, 2) },
    { firm: 'firm', entry: 26, material: ['KrF光刻胶', '248 nm，正性', '千克'], submit: true, steps: [...toExperts] },
    { firm: 'firm', entry: 22, material: ['2英寸自支撑氮化镓单晶晶片', '50.8 mm，位错密度≤5×10⁶ cm⁻²', '片'], submit: true, steps: [...toExperts, panel(ids), ['expert1', { type: 'ACCEPT_ASSIGNMENT', noConflict: true }]] },
    { firm: 'firm', entry: 29, material: ['超高纯铜溅射靶材', '6N，直径300 mm', '件'], submit: true, steps: [...toExperts, ...accepted, ['expert1', score([25, 26, 16, 15])], ['expert2', score([24, 25, 15, 16])], ['expert3', score([26, 24, 17, 15])]] },
    { firm: 'firm', entry: 27, material: ['电子级三氟化氮', '5N', '千克'], submit: true, steps: [...toExperts, ...accepted, ['expert1', score([12, 10, 8, 9])], ['expert2', score([14, 12, 9, 8])], ['expert3', score([10, 11, 7, 9])]] },
    // filed under an entry it does not belong to, and rejected by the city for that
    { firm: 'firm', entry: 39, material: ['低温共烧陶瓷生瓷带', '厚度 100 μm', '卷'], submit: true, steps: [['municipal.hz', { type: 'REJECT', reason: '所申报材料不属于所选目录条目（高频低损耗功率铁氧体）的范围' }]] },
    { firm: 'firm', entry: 31, material: ['量子点光学膜', '色域≥110% NTSC', '平方米'], submit: true, steps: [['firm', { type: 'WITHDRAW', reason: '保单信息有误，撤回后重新申报' }]] },
    // through the public notice: two approved when its period ends, one on a notice still open
    { firm: 'firm', entry: 28, material: ['电子级氢氟酸', 'UP-SSS级', '千克'], submit: true, steps: passed, notice: 'closed' },
    { firm: 'firm', entry: 41, material: ['超高分子量聚乙烯纤维', '1600D，强度≥40 cN/dtex', '千克'], submit: true, steps: passed, notice: 'closed' },
    { firm: 'firm', entry: 44, material: ['石墨烯导热膜', '厚度 40 μm，面内导热系数≥1500 W/(m·K)', '平方米'], submit: true, steps: passed, notice: 'open' },
  ];
}

export async function seedDemoCases(app: AppContext): Promise<number> {
  const people = await app.db.select().from(users).where(inArray(users.email, WHO.map((w) => `${w}@demo.local`)));
  const ctxOf = (who: Who): ServiceContext => {
    const row = people.find((p) => p.email === `${who}@demo.local`);
    if (!row) throw new Error(`demo account ${who}@demo.local is missing`);
    return { app, user: toUser(row), requestId: `seed-${randomUUID()}` };
  };
  const ids = Object.fromEntries(WHO.map((w) => [w, ctxOf(w).user.id]));
  const [round] = await app.db.select().from(rounds).orderBy(asc(rounds.opensAt)).limit(1);
  if (!round) throw new Error('the demo round is missing');
  const entries = await app.db.select({ id: catalogueEntries.id, seq: catalogueEntries.seq }).from(catalogueEntries).where(eq(catalogueEntries.editionId, round.editionId));
  // after the demo round has closed, the demo clock goes back into it: the applications are filed then
  const now = app.clock.now();
  if ((now < round.opensAt || now >= round.closesAt) && app.clock instanceof SettableClock) {
    await app.clock.set(new Date(round.opensAt.getTime() + 100 * 86_400_000));
  }
  const insurerId = round.insurerIds[0];
  if (!insurerId || entries.length === 0) throw new Error('the demo round has no insurer or no entries');
  let made = 0;
  const onNotice: Record<'closed' | 'open', string[]> = { closed: [], open: [] };
  for (const [i, plan] of plans(ids).entries()) {
    const firm = ctxOf(plan.firm);
    const entry = entries.find((e) => e.seq === plan.entry);
    if (!entry) throw new Error(`the demo catalogue has no entry ${plan.entry}`);
    const unit = demoUserUnits[i % demoUserUnits.length];
    if (!unit) continue;
    const body = completeCaseBody({ roundId: round.id, catalogueEntryId: entry.id, insurerId });
    const created = await createCase(
      firm,
      caseCreateSchema.parse({
        ...body,
        material: { ...body.material, name: plan.material[0], specification: plan.material[1] },
        contract: { ...body.contract, unit: plan.material[2] },
        userUnit: { name: unit.name, uscc: unit.uscc, notAffiliate: true, notTrader: true },
        policy: { ...body.policy, number: `PICC-DEMO-${round.year}-${String(i + 1).padStart(4, '0')}` },
      }),
    );
    await attachRequiredDocuments(app.db, created.id, firm.user.id, round.requiredDocuments as DocumentType[]);
    const steps: Step[] = plan.submit ? [[plan.firm, { type: 'SUBMIT' }], ...plan.steps] : plan.steps;
    for (const [who, event] of steps) await sendCaseEvent(ctxOf(who), created.id, eventBodySchema.parse(event), {});
    if (plan.notice) onNotice[plan.notice].push(created.id);
    made++;
  }
  await runNotices(app, ctxOf('provincial'), onNotice);
  await submitBatch(ctxOf('finance1'), round.id);
  return made;
}

/**
 * Finance's first batch: finance1 puts the first calculated case into a disbursement batch and
 * submits it, so finance2 has a batch to approve at first sign-in; the other calculated case stays
 * for the "new batch" form (and finance's inbox).
 */
async function submitBatch(finance: ServiceContext, roundId: string): Promise<void> {
  const [first] = await batchCandidates(finance.app.db, roundId);
  if (!first) return;
  const batch = await createBatch(finance, createBatchSchema.parse({ roundId, caseIds: [first.id] }));
  await sendBatchEvent(finance, batch.id, batchEventBodySchema.parse({ type: 'SUBMIT' }), {});
}

/**
 * The public notice as it runs: one published and left to end under the demo clock — its expiry
 * fires, and its closing reaches each case as the worker would hand it over, approving them — and
 * one published afterwards and still open, with an objection from the public on it.
 */
async function runNotices(app: AppContext, provincial: ServiceContext, onNotice: Record<'closed' | 'open', string[]>): Promise<void> {
  if (!(app.clock instanceof SettableClock)) return;
  if (onNotice.closed.length > 0) {
    const closing = await publishNotice(provincial, { caseIds: onNotice.closed });
    for (let day = 0; day < 30; day++) {
      const [notice] = await app.db.select({ state: notices.state }).from(notices).where(eq(notices.id, closing.id));
      if (notice?.state === 'closed') break;
      await app.clock.advance(86_400_000);
      await sweepDue(app);
    }
    const emitted = await app.db.select().from(outbox).where(and(eq(outbox.topic, 'event'), sql`${outbox.payload}->'from'->>'id' = ${closing.id}`));
    for (const row of emitted) await deliverEvent(app, deliveryPayload.parse(row.payload));
  }
  if (onNotice.open.length > 0) {
    const open = await publishNotice(provincial, { caseIds: onNotice.open });
    const [first] = onNotice.open;
    if (first) {
      await fileObjection(
        app,
        open.id,
        objectionSchema.parse({ caseId: first, name: '张明', contact: 'zhang.ming@example.com', reason: '该材料已在省外批量供货多年，不属于首批次应用，请核查销售记录。' }),
        `seed-${randomUUID()}`,
      );
    }
  }
}

const WHO: readonly Who[] = ['firm', 'firm2', 'municipal.hz', 'municipal.nb', 'provincial', 'provincial2', 'insurer.picc', 'expert1', 'expert2', 'expert3', 'finance1'];
