import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seedDemo } from '../../seeds/demo';
import { seedDemoCases } from '../../seeds/demo-cases';
import { useTestApp } from '../support/use-app';

const { t } = useTestApp({ ownDatabase: true, world: false });

describe('the demo data of a first start', () => {
  it('files a dozen applications through the engine, spread over the chart, so every reviewer has work on first sign-in', async () => {
    await seedDemo(t.app.db, 'Demo-password-1');
    expect(await seedDemoCases(t.app)).toBe(15);
    const states = (await t.app.db.execute(sql`select state, count(*)::int as n from cases group by state order by state`)) as unknown as { state: string; n: number }[];
    expect(Object.fromEntries(states.map((s) => [s.state, s.n]))).toEqual({
      awaitingNotice: 1,
      batched: 1,
      calculated: 1,
      draft: 2,
      expert: 2,
      municipal: 2,
      objection: 1,
      provincial: 1,
      rejected: 2,
      revision: 1,
      withdrawn: 1,
    });
    // every step went through the services: each application has its history
    const [chained] = (await t.app.db.execute(sql`select count(distinct owner_id)::int as n from history where owner_kind = 'case'`)) as unknown as { n: number }[];
    expect(chained?.n).toBe(15);
    // each application is filed under the catalogue entry its material belongs to, as the public notice shows them side by side
    const filed = (await t.app.db.execute(
      sql`select c.material->>'name' as material, e.name as entry from cases c join catalogue_entries e on e.id = c.catalogue_entry_id where c.state in ('calculated', 'batched', 'objection')`,
    )) as unknown as { material: string; entry: string }[];
    expect(filed.map((f) => [f.material, f.entry]).sort()).toEqual([
      ['电子级氢氟酸', '电子级氢氟酸'],
      ['石墨烯导热膜', '石墨烯导热膜'],
      ['超高分子量聚乙烯纤维', '超高分子量聚乙烯纤维'],
    ]);
    // and every other one, by the entry's sequence number, with a specification of its own and the unit it is sold in
    const entries = (await t.app.db.execute(
      sql`select c.material->>'name' as material, e.seq, c.material->>'specification' as specification, c.contract->>'unit' as unit from cases c join catalogue_entries e on e.id = c.catalogue_entry_id`,
    )) as unknown as { material: string; seq: number; specification: string; unit: string }[];
    expect(Object.fromEntries(entries.map((f) => [f.material, f.seq]))).toEqual({
      '12英寸硅抛光片': 19,
      高性能烧结钕铁硼永磁体: 38,
      '8英寸重掺单晶硅片': 20,
      宽温低损耗MnZn功率铁氧体磁芯: 39,
      光纤预制棒用超纯四氯化硅: 24,
      '6英寸导电型碳化硅单晶衬底': 21,
      KrF光刻胶: 26,
      '2英寸自支撑氮化镓单晶晶片': 22,
      超高纯铜溅射靶材: 29,
      电子级三氟化氮: 27,
      // filed under the ferrite entry it does not belong to: the city rejects it for that
      低温共烧陶瓷生瓷带: 39,
      量子点光学膜: 31,
      电子级氢氟酸: 28,
      超高分子量聚乙烯纤维: 41,
      石墨烯导热膜: 44,
    });
    expect(new Set(entries.map((f) => f.specification)).size).toBe(15);
    expect(entries.find((f) => f.material === '石墨烯导热膜')).toMatchObject({ specification: '厚度 40 μm，面内导热系数≥1500 W/(m·K)', unit: '平方米' });
    expect(entries.find((f) => f.material === 'KrF光刻胶')).toMatchObject({ specification: '248 nm，正性', unit: '千克' });
    // the public sees one notice ended and one open, without an account
    const pub = await t.api.get<{ items: { state: string }[] }>('/public/notices');
    expect(pub.body.items.map((n) => n.state).sort()).toEqual(['closed', 'open']);

    // finance1 made and submitted a batch of one calculated case: finance2 has it to approve, finance1 may not
    const batches = await t.api.get<{ items: { id: string; state: string; cases: number; createdBy: { name: string } }[] }>('/disbursements', await t.api.login('finance1@demo.local', 'Demo-password-1'));
    expect(batches.body.items.map((b) => [b.state, b.cases, b.createdBy.name])).toEqual([['submitted', 1, '财务人员一']]);
    const id = batches.body.items[0]?.id ?? '';
    const approver = await t.api.get<{ allowedEvents: string[] }>(`/disbursements/${id}`, await t.api.login('finance2@demo.local', 'Demo-password-1'));
    expect(approver.body.allowedEvents).toEqual(['APPROVE', 'RETURN']);
    const maker = await t.api.get<{ allowedEvents: string[] }>(`/disbursements/${id}`, await t.api.login('finance1@demo.local', 'Demo-password-1'));
    expect(maker.body.allowedEvents).toEqual([]);

    for (const email of ['firm@demo.local', 'firm2@demo.local', 'municipal.hz@demo.local', 'municipal.nb@demo.local', 'provincial@demo.local', 'insurer.picc@demo.local', 'expert1@demo.local', 'finance1@demo.local']) {
      const token = await t.api.login(email, 'Demo-password-1');
      const inbox = await t.api.get<{ items: unknown[] }>('/tasks', token);
      expect(inbox.body.items.length, email).toBeGreaterThan(0);
    }
    // a dozen applications, each through a dozen statements per step, and seven sign-ins
  }, 120_000);
});
