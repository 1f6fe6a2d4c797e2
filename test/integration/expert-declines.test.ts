import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import { defaultRubric } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';

// What an expert's earlier decline of a case means when experts are assigned to it again (SPEC §2):
// a declared conflict of interest keeps them off the case for good; any other decline is only said
// beside them. And what an invited expert reads of the rubric before they accept.
const { t, w } = useTestApp();

interface Problem {
  status: number;
  detail: string;
  errors: { path: string; message: string; messageZh: string; code?: string }[];
}
interface Candidate {
  id: string;
  conflict: string | null;
  declined: { conflictOfInterest: boolean; reason: string } | null;
}
interface CaseAnswer {
  version: number;
  experts: { expertId: string | null; status: string }[];
  expertReview: { rubric: typeof defaultRubric; quorum: number } | null;
}
const send = (id: string, token: string, body: Record<string, unknown>) => t.api.post<Problem>(`/cases/${id}/events`, body, token);
const view = async (id: string, token: string) => (await t.api.get<CaseAnswer>(`/cases/${id}`, token)).body;
const CONFLICT = '本人曾为该企业提供技术咨询';
const BUSY = '出差，无法按期评审';

/** A case in expert review whose panel's first expert declared a conflict and second declined as too busy. */
async function declinedTwice() {
  const id = await w.caseIn('expert');
  const panel = await w.makeExperts(3);
  const [conflicted, busy, staying] = panel;
  if (!conflicted || !busy || !staying) throw new Error('no panel');
  expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
  expect((await send(id, conflicted.token, { type: 'DECLINE_ASSIGNMENT', reason: CONFLICT, conflictOfInterest: true })).status).toBe(200);
  expect((await send(id, busy.token, { type: 'DECLINE_ASSIGNMENT', reason: BUSY, conflictOfInterest: false })).status).toBe(200);
  return { id, conflicted, busy, staying };
}

describe('an expert who declared a conflict of interest on the case', () => {
  it('is refused by name and reason while still on the panel, and assigns nobody', async () => {
    const { id, conflicted } = await declinedTwice();
    const before = await view(id, w.tokens.provincial);
    const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [conflicted.user.id] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      {
        path: 'expertIds.0',
        code: 'declaredConflict',
        message: `${conflicted.user.name} declared a conflict of interest on this case and cannot be assigned to it again: ${CONFLICT}`,
        messageZh: `${conflicted.user.name}已声明与本申请存在利益冲突，不能再指派：${CONFLICT}`,
      },
    ]);
    const after = await view(id, w.tokens.provincial);
    expect(after.version).toBe(before.version);
    expect(after.experts).toEqual(before.experts);
  });

  it('is refused once replaced, alone or among others, even to replace another expert', async () => {
    const { id, conflicted, busy } = await declinedTwice();
    const [fresh, other] = await w.makeExperts(2);
    if (!fresh || !other) throw new Error('no experts');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: conflicted.user.id })).status).toBe(200);
    expect((await view(id, w.tokens.provincial)).experts.find((e) => e.expertId === conflicted.user.id)?.status).toBe('replaced');

    const alone = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [conflicted.user.id] });
    expect(alone.status).toBe(422);
    expect(alone.body.errors.map((e) => [e.path, e.code])).toEqual([['expertIds.0', 'declaredConflict']]);
    expect(alone.body.errors[0]?.message).toContain(conflicted.user.name);

    const replacing = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [other.user.id, conflicted.user.id], replaces: busy.user.id });
    expect(replacing.status).toBe(422);
    expect(replacing.body.errors.map((e) => e.path)).toEqual(['expertIds.1']);
    const statuses = Object.fromEntries((await view(id, w.tokens.provincial)).experts.map((e) => [e.expertId, e.status]));
    expect(statuses).toMatchObject({ [conflicted.user.id]: 'replaced', [busy.user.id]: 'declined' });
    expect(statuses[other.user.id]).toBeUndefined();
    // still out of their sight
    expect((await t.api.get(`/cases/${id}`, conflicted.token)).status).toBe(404);
  });

  it('is refused to every other role before the experts are looked at, so that nobody learns of the declaration', async () => {
    const { id, conflicted } = await declinedTwice();
    const body = { type: 'ASSIGN_EXPERTS', expertIds: [conflicted.user.id] };
    for (const who of ['firm', 'municipal', 'insurer'] as const) {
      const res = await send(id, w.tokens[who], body);
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(res.body), who).not.toContain(CONFLICT);
    }
    for (const who of ['otherFirm', 'otherMunicipal', 'otherInsurer', 'expert', 'finance', 'admin'] as const) {
      const res = await send(id, w.tokens[who], body);
      expect(res.status, who).toBe(404);
      expect(JSON.stringify(res.body), who).not.toContain(CONFLICT);
    }
    // the expert who declared it cannot put themself back either
    expect((await send(id, conflicted.token, body)).status).toBe(404);
    expect((await t.api.post(`/cases/${id}/events`, body)).status).toBe(401);
  });
});

describe('an expert who declined the case without a conflict', () => {
  it('may be assigned again once replaced, and stays marked as having declined it', async () => {
    const { id, busy } = await declinedTwice();
    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: busy.user.id })).status).toBe(200);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [busy.user.id] })).status).toBe(200);
    expect((await view(id, w.tokens.provincial)).experts.filter((e) => e.expertId === busy.user.id).map((e) => e.status)).toEqual(['replaced', 'assigned']);
    const listed = await t.api.get<{ items: Candidate[] }>(`/experts?caseId=${id}&q=${encodeURIComponent(busy.user.email)}`, w.tokens.provincial);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: busy.user.id, declined: { conflictOfInterest: false, reason: BUSY } })]);
  });
});

describe('an expert who declined the case and is not yet replaced', () => {
  it('is refused by name and reason when named again, alongside another expert or alone, and assigns nobody', async () => {
    const { id, busy } = await declinedTwice();
    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    const before = await view(id, w.tokens.provincial);
    for (const expertIds of [[fresh.user.id, busy.user.id], [busy.user.id]]) {
      const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        {
          path: `expertIds.${expertIds.indexOf(busy.user.id)}`,
          code: 'declinedNotReplaced',
          message: `${busy.user.name} declined this case (${BUSY}) and has not been replaced yet: replace them with another expert first; once replaced they may be offered it again`,
          messageZh: `${busy.user.name}已谢绝评审本申请（${BUSY}），尚未被替换：请先指派其他专家替换；替换后可再次邀请`,
        },
      ]);
    }
    const after = await view(id, w.tokens.provincial);
    expect(after.version).toBe(before.version);
    expect(after.experts).toEqual(before.experts);
  });

  it('is refused when named to replace another expert, and refused as replacing themself', async () => {
    const { id, conflicted, busy } = await declinedTwice();
    const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [busy.user.id], replaces: conflicted.user.id });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.code)).toEqual(['declinedNotReplaced']);
    const self = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [busy.user.id], replaces: busy.user.id });
    expect(self.status).toBe(422);
    expect(self.body.errors.map((e) => e.path)).toEqual(['expertIds.0', 'replaces']);
  });

  it('is refused by name while marked with a conflict the system found, until replaced', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    const [conflicted] = await w.makeExperts(1, { organisationUscc: w.firm.uscc });
    if (!conflicted) throw new Error('no expert');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [...panel.map((e) => e.user.id), conflicted.user.id] })).status).toBe(200);
    const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [conflicted.user.id] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'expertIds.0', code: 'declinedNotReplaced' })]);
    expect(res.body.errors[0]?.message).toContain('a conflict of interest the system found');
  });

  it('is refused to every other role before the experts are looked at', async () => {
    const { id, busy } = await declinedTwice();
    const body = { type: 'ASSIGN_EXPERTS', expertIds: [busy.user.id] };
    for (const who of ['firm', 'municipal', 'insurer'] as const) {
      const res = await send(id, w.tokens[who], body);
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(res.body), who).not.toContain(BUSY);
    }
    for (const who of ['otherFirm', 'expert', 'finance', 'admin'] as const) expect((await send(id, w.tokens[who], body)).status, who).toBe(404);
    // the expert who declined cannot put themself back either
    expect((await send(id, busy.token, body)).status).toBe(404);
    expect((await t.api.post(`/cases/${id}/events`, body)).status).toBe(401);
  });
});

describe('an expert already on the panel', () => {
  /** A case whose panel has one expert who has not answered, one who accepted, one who scored, and one who declined. */
  async function sitting() {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(4);
    const [waiting, accepted, scored, declined] = panel;
    if (!waiting || !accepted || !scored || !declined) throw new Error('no panel');
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    for (const e of [accepted, scored]) expect((await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    expect((await send(id, scored.token, { type: 'SCORE', scores: { innovation: 25, firstBatch: 25, market: 15, risk: 15 }, opinion: '同意' })).status).toBe(200);
    expect((await send(id, declined.token, { type: 'DECLINE_ASSIGNMENT', reason: BUSY, conflictOfInterest: false })).status).toBe(200);
    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    return { id, waiting, accepted, scored, declined, fresh };
  }

  it('is refused by name and where they stand, beside a new expert, replacing or adding, and nobody is assigned', async () => {
    const { id, waiting, accepted, scored, declined, fresh } = await sitting();
    const before = await view(id, w.tokens.provincial);
    const cases: [typeof waiting, string, string][] = [
      [waiting, 'not yet accepted', '待接受'],
      [accepted, 'accepted, reviewing', '评审中'],
      [scored, 'scored', '已评分'],
    ];
    for (const [e, en, zh] of cases) {
      for (const extra of [{ replaces: declined.user.id }, {}]) {
        const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id, e.user.id], ...extra });
        expect(res.status, en).toBe(422);
        expect(res.body.errors, en).toEqual([
          {
            path: 'expertIds.1',
            code: 'alreadyOnPanel',
            message: `${e.user.name} is already on this case's panel (${en}) and cannot be assigned to it again`,
            messageZh: `${e.user.name}已在本申请的评审专家名单中（${zh}），不能重复指派`,
          },
        ]);
      }
    }
    const after = await view(id, w.tokens.provincial);
    expect(after.version).toBe(before.version);
    expect(after.experts).toEqual(before.experts);
    // the new expert alone replaces the one who declined; the one replaced may be named again
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: declined.user.id })).status).toBe(200);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [declined.user.id] })).status).toBe(200);
    const statuses = (await view(id, w.tokens.provincial)).experts.filter((a) => a.expertId === declined.user.id).map((a) => a.status);
    expect(statuses).toEqual(['replaced', 'assigned']);
    const again = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [declined.user.id] });
    expect(again.body.errors.map((e) => e.code)).toEqual(['alreadyOnPanel']);
  });

  it('is refused to every other role before the panel is looked at, without a word of who sits on it', async () => {
    const { id, waiting, accepted, fresh } = await sitting();
    const body = { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id, waiting.user.id] };
    for (const who of ['firm', 'municipal', 'insurer'] as const) {
      const res = await send(id, w.tokens[who], body);
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(res.body), who).not.toContain('alreadyOnPanel');
    }
    for (const who of ['otherFirm', 'expert', 'finance', 'admin'] as const) expect((await send(id, w.tokens[who], body)).status, who).toBe(404);
    // an expert of the panel cannot put anyone on it either
    const own = await send(id, accepted.token, body);
    expect(own.status).toBe(403);
    expect(JSON.stringify(own.body)).not.toContain(waiting.user.name);
    expect((await t.api.post(`/cases/${id}/events`, body)).status).toBe(401);
  });
});

describe('GET /experts with a case', () => {
  it('marks who declared a conflict on the case and who declined it, with their reasons, and nobody else', async () => {
    const { id, conflicted, busy, staying } = await declinedTwice();
    const [fresh] = await w.makeExperts(1);
    if (!fresh) throw new Error('no expert');
    // the declaration outlives the replacement
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id], replaces: conflicted.user.id })).status).toBe(200);
    const marks = async (caseId: string | null) => {
      const out: Record<string, Candidate['declined']> = {};
      for (const e of [conflicted, busy, staying, fresh]) {
        const res = await t.api.get<{ items: Candidate[] }>(`/experts?${caseId ? `caseId=${caseId}&` : ''}q=${encodeURIComponent(e.user.email)}`, w.tokens.provincial);
        expect(res.status).toBe(200);
        out[e.user.id] = res.body.items.find((i) => i.id === e.user.id)?.declined ?? null;
      }
      return out;
    };
    expect(await marks(id)).toEqual({
      [conflicted.user.id]: { conflictOfInterest: true, reason: CONFLICT },
      [busy.user.id]: { conflictOfInterest: false, reason: BUSY },
      [staying.user.id]: null,
      [fresh.user.id]: null,
    });
    // of another case, and of no case, nobody is marked
    const other = await w.caseIn('expert');
    expect(Object.values(await marks(other))).toEqual([null, null, null, null]);
    expect(Object.values(await marks(null))).toEqual([null, null, null, null]);
  });

  it('is refused to every role but the provincial reviewer, the declined experts included', async () => {
    const { id, conflicted, busy, staying } = await declinedTwice();
    for (const who of ['firm', 'municipal', 'expert', 'insurer', 'finance', 'admin'] as const) {
      const res = await t.api.get(`/experts?caseId=${id}`, w.tokens[who]);
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(res.body), who).not.toContain(CONFLICT);
    }
    for (const e of [conflicted, busy, staying]) expect((await t.api.get(`/experts?caseId=${id}`, e.token)).status).toBe(403);
    expect((await t.api.get(`/experts?caseId=${id}`)).status).toBe(401);
  });
});

describe("the case's rubric in GET /cases/:id", () => {
  it('is given to an expert invited but not yet accepted, frozen as assigned, and to the provincial reviewer', async () => {
    const id = await w.caseIn('expert');
    expect((await view(id, w.tokens.provincial)).expertReview).toBeNull();
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const [invited] = panel;
    if (!invited) throw new Error('no expert');
    const seen = await t.api.get<CaseAnswer & { allowedEvents: string[] }>(`/cases/${id}`, invited.token);
    expect(seen.status).toBe(200);
    expect(seen.body.allowedEvents.sort()).toEqual(['ACCEPT_ASSIGNMENT', 'DECLINE_ASSIGNMENT']);
    expect(seen.body.expertReview).toEqual({ rubric: defaultRubric, quorum: 3 });
    expect((await view(id, w.tokens.provincial)).expertReview).toEqual({ rubric: defaultRubric, quorum: 3 });

    // the round's rubric changing later does not change what the case is scored with
    const changed = { ...defaultRubric, passMark: 75 };
    await t.app.db.update(rounds).set({ rubric: changed }).where(eq(rounds.id, w.round.id));
    try {
      expect((await view(id, invited.token)).expertReview?.rubric.passMark).toBe(defaultRubric.passMark);
    } finally {
      await t.app.db.update(rounds).set({ rubric: defaultRubric }).where(eq(rounds.id, w.round.id));
    }
  });

  it('is null to everyone who sees the case but not its panel, and the case stays hidden from other experts', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    for (const who of ['firm', 'municipal', 'insurer'] as const) {
      const res = await t.api.get<CaseAnswer>(`/cases/${id}`, w.tokens[who]);
      expect(res.status, who).toBe(200);
      expect(res.body.expertReview, who).toBeNull();
    }
    for (const who of ['otherFirm', 'otherMunicipal', 'otherInsurer', 'expert', 'finance', 'admin'] as const) {
      expect((await t.api.get(`/cases/${id}`, w.tokens[who])).status, who).toBe(404);
    }
    const [declining] = panel;
    if (!declining) throw new Error('no expert');
    expect((await send(id, declining.token, { type: 'DECLINE_ASSIGNMENT', reason: BUSY })).status).toBe(200);
    expect((await t.api.get(`/cases/${id}`, declining.token)).status).toBe(404);
  });
});
