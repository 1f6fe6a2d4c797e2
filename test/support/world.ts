import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import type { AppContext } from '../../server/context';
import { deliverEvent } from '../../server/engine/deliver';
import type { DocumentType, enterprises } from '../../db/schema';
import { attachRequiredDocuments, makeEdition, makeEnterprise, makeInsurer, makeRound, makeUser, REQUIRED_DOCUMENTS, completeCaseBody } from '../../seeds/factories';
import type { Api } from './http';

type Person = 'municipal' | 'provincial' | 'insurer';
const returnFor = { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] };
/** The steps after SUBMIT that lead to each state (the insurer verifies first where approval needs it). */
const STEPS = {
  municipal: [],
  revision: [[returnFor, 'municipal']],
  provincial: [[{ type: 'APPROVE' }, 'municipal']],
  verifiedProvincial: [
    [{ type: 'VERIFY_POLICY' }, 'insurer'],
    [{ type: 'APPROVE' }, 'municipal'],
  ],
  provincialRevision: [
    [{ type: 'VERIFY_POLICY' }, 'insurer'],
    [{ type: 'APPROVE' }, 'municipal'],
    [returnFor, 'provincial'],
  ],
  expert: [
    [{ type: 'VERIFY_POLICY' }, 'insurer'],
    [{ type: 'APPROVE' }, 'municipal'],
    [{ type: 'APPROVE' }, 'provincial'],
  ],
} as const satisfies Record<string, readonly (readonly [{ type: string }, Person])[]>;
export type CaseStep = 'draft' | keyof typeof STEPS | 'awaitingNotice' | 'approved';

/** Points per criterion of the default rubric (seeds: 30/30/20/20, pass mark 60): 80, a pass. */
export const PASSING_SCORES = { innovation: 25, firstBatch: 25, market: 15, risk: 15 };
/** 40 points: below the pass mark. */
export const FAILING_SCORES = { innovation: 10, firstBatch: 10, market: 10, risk: 10 };

/**
 * A small programme of one test's own: an edition, an open round, an insurer, a Hangzhou firm and
 * a Ningbo firm, and one signed-in person per role. Nothing is shared between tests.
 */
export async function makeWorld(db: Db, api: Api, app?: AppContext) {
  const insurer = await makeInsurer(db);
  const otherInsurer = await makeInsurer(db);
  const { edition, entries } = await makeEdition(db, [
    { name: '低缺陷高平坦度大尺寸半导体硅晶圆', requirements: '直径300 mm，局部平整度≤20 nm' },
    { name: '超纯氨', requirements: '纯度≥99.99999%' },
  ]);
  const round = await makeRound(db, { editionId: edition.id, insurerIds: [insurer.id, otherInsurer.id] });
  const firm = await makeEnterprise(db, { city: '330100' });
  const otherFirm = await makeEnterprise(db, { city: '330200' });
  const people = {
    firm: await makeUser(db, { roles: ['firm'], enterpriseId: firm.id }),
    otherFirm: await makeUser(db, { roles: ['firm'], enterpriseId: otherFirm.id }),
    municipal: await makeUser(db, { roles: ['municipal'], city: '330100' }),
    municipal2: await makeUser(db, { roles: ['municipal'], city: '330100' }),
    otherMunicipal: await makeUser(db, { roles: ['municipal'], city: '330200' }),
    provincial: await makeUser(db, { roles: ['provincial'] }),
    expert: await makeUser(db, { roles: ['expert'] }),
    insurer: await makeUser(db, { roles: ['insurer'], insurerId: insurer.id }),
    otherInsurer: await makeUser(db, { roles: ['insurer'], insurerId: otherInsurer.id }),
    finance: await makeUser(db, { roles: ['finance'] }),
    // a second pair of eyes: approves what `finance` made (disbursement batches, pro-rata)
    finance2: await makeUser(db, { roles: ['finance'] }),
    admin: await makeUser(db, { roles: ['admin'] }),
  };
  // two at a time, as the server hashes them (server/auth/password.ts): a burst of a dozen is refused on a busy machine
  const signedIn: (readonly [string, string])[] = [];
  const everyone = Object.entries(people);
  for (let i = 0; i < everyone.length; i += 2) {
    signedIn.push(...(await Promise.all(everyone.slice(i, i + 2).map(async ([k, u]) => [k, await api.login(u.email)] as const))));
  }
  const tokens = Object.fromEntries(signedIn) as Record<keyof typeof people, string>;
  const entry = entries[0];
  if (!entry) throw new Error('edition has no entries');

  /** A complete application body (SPEC §7) for this world's round, entry and insurer. */
  const caseBody = (over: Record<string, unknown> = {}) => ({
    ...completeCaseBody({ roundId: round.id, catalogueEntryId: entry.id, insurerId: insurer.id }),
    ...over,
  });

  async function createCase(over: Record<string, unknown> = {}): Promise<string> {
    const res = await api.post<{ id: string }>('/cases', caseBody(over), tokens.firm);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  /** Document rows for the firm's case (every required type unless told); no files behind them. */
  async function attachDocuments(caseId: string, types: readonly DocumentType[] = REQUIRED_DOCUMENTS): Promise<void> {
    await attachRequiredDocuments(db, caseId, people.firm.id, types);
  }

  /** A complete draft (documents included) that passes every SUBMIT rule of SPEC §5, then submitted. */
  async function submittedCase(over: Record<string, unknown> = {}): Promise<string> {
    const id = await createCase(over);
    await attachDocuments(id);
    const res = await api.post(`/cases/${id}/events`, { type: 'SUBMIT' }, tokens.firm);
    if (res.status !== 200) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
    return id;
  }

  /**
   * A case brought to a named state through the API, as the people of this world act — so that a
   * test starts where it means to and no file walks the same path again.
   */
  async function caseIn(state: CaseStep, over: Record<string, unknown> = {}): Promise<string> {
    if (state === 'draft') {
      const id = await createCase(over);
      await attachDocuments(id);
      return id;
    }
    const id = await submittedCase(over);
    const pastExperts = state === 'awaitingNotice' || state === 'approved';
    for (const [event, who] of STEPS[pastExperts ? 'expert' : state]) {
      const res = await api.post(`/cases/${id}/events`, event, tokens[who]);
      if (res.status !== 200) throw new Error(`${event.type} towards ${state} failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    if (pastExperts) await expertsScore(id, PASSING_SCORES, await (defaultPanel ??= makeExperts()));
    if (state === 'approved') await noticePassed(id);
    return id;
  }

  /**
   * A case awaiting its notice published on one of its own and the notice closed, as its expiry
   * would close it: the notice's NOTICE_CLOSED delivered to the case through the engine, without
   * moving the app's clock (other tests of the file share it).
   */
  async function noticePassed(id: string): Promise<void> {
    const published = await api.post<{ id: string }>('/notices', { caseIds: [id] }, tokens.provincial);
    if (published.status !== 201) throw new Error(`publishing a notice failed: ${published.status} ${JSON.stringify(published.body)}`);
    await noticeClosed(published.body.id, id);
  }

  /** A published notice's NOTICE_CLOSED delivered to one of its cases, as its expiry would. */
  async function noticeClosed(noticeId: string, id: string): Promise<void> {
    if (!app) throw new Error('a world made without its app cannot close notices: pass the AppContext to makeWorld');
    const outcome = await deliverEvent(app, {
      eventId: randomUUID(),
      from: { kind: 'notice', id: noticeId },
      to: { kind: 'case', ids: [id] },
      event: { type: 'NOTICE_CLOSED', noticeId },
    });
    if (outcome.applied !== 1) throw new Error(`NOTICE_CLOSED was refused by case ${id}`);
  }

  /** Experts of this test's own, signed in (the round's quorum is 3 by default). */
  async function makeExperts(n = 3, over: { name?: string; affiliations?: string[]; organisationUscc?: string; organisationName?: string } = {}) {
    // one after another: sign-ins are hashed a few at a time (server/auth/password.ts)
    const out = [];
    for (let i = 0; i < n; i++) {
      const user = await makeUser(db, { roles: ['expert'], ...over });
      out.push({ user, token: await api.login(user.email) });
    }
    return out;
  }

  // one panel, signed in once, for every case a test brings past expert review
  let defaultPanel: Promise<Awaited<ReturnType<typeof makeExperts>>> | null = null;

  /** A case in expert review assigned to a panel (a fresh one unless given), each expert accepting and giving `scores`. */
  async function expertsScore(id: string, scores: Record<string, number>, given?: Awaited<ReturnType<typeof makeExperts>>) {
    const panel = given ?? (await makeExperts());
    type Step = [string, { type: string } & Record<string, unknown>];
    const steps: Step[] = [
      [tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }],
      ...panel.flatMap((e): Step[] => [
        [e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }],
        [e.token, { type: 'SCORE', scores, opinion: '材料性能达到目录要求' }],
      ]),
    ];
    for (const [token, event] of steps) {
      const res = await api.post(`/cases/${id}/events`, event, token);
      if (res.status !== 200) throw new Error(`${event.type} in expert review failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return panel;
  }

  /** Another firm of this test's own (e.g. banned, or with affiliations), with a signed-in user. */
  async function makeFirm(over: Partial<typeof enterprises.$inferInsert> = {}) {
    const enterprise = await makeEnterprise(db, { city: '330100', ...over });
    const user = await makeUser(db, { roles: ['firm'], enterpriseId: enterprise.id });
    return { enterprise, user, token: await api.login(user.email) };
  }

  return { insurer, otherInsurer, edition, entries, entry, round, firm, otherFirm, people, tokens, caseBody, createCase, attachDocuments, submittedCase, caseIn, noticePassed, noticeClosed, makeFirm, makeExperts, expertsScore };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;
