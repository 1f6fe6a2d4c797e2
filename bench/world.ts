import type { Db } from '../db/client';
import { attachRequiredDocuments, makeEdition, makeEnterprise, makeInsurer, makeRound, makeUser, passwordHashFor, completeCaseBody } from '../seeds/factories';
import type { Role } from '../db/schema/accounts';
import { Api } from '../test/support/http';

const PASSWORD = 'Bench-password-1';
// Throw-away accounts sign in a few dozen times per run: a lower scrypt cost keeps set-up quick,
// and sign-in is not what is measured.
const CHEAP_COST = 2 ** 14;

export interface Person {
  id: string;
  email: string;
  token: string;
}

/**
 * The benchmark's programme, built like test/support/world.ts: an insurer, a published edition,
 * an open round, and firms and reviewers per city who sign in through POST /auth/login.
 */
export async function makeBenchWorld(db: Db, baseUrl: string) {
  const api = new Api(baseUrl);
  const passwordHash = await passwordHashFor(PASSWORD, CHEAP_COST);
  const insurer = await makeInsurer(db);
  const { entries } = await makeEdition(db, [{ name: '低缺陷高平坦度大尺寸半导体硅晶圆', requirements: '直径300 mm，局部平整度≤20 nm' }]);
  const entry = entries[0];
  if (!entry) throw new Error('edition has no entries');
  const round = await makeRound(db, { editionId: entry.editionId, insurerIds: [insurer.id] });

  async function person(roles: Role[], over: { city?: string; enterpriseId?: string } = {}): Promise<Person> {
    const user = await makeUser(db, { roles, passwordHash, ...over });
    return { id: user.id, email: user.email, token: await api.login(user.email, PASSWORD) };
  }

  /** A firm in `city` with one signed-in member of staff. */
  async function firmIn(city: string) {
    const enterprise = await makeEnterprise(db, { city });
    return { enterprise, user: await person(['firm'], { enterpriseId: enterprise.id }) };
  }

  const reviewerIn = (city: string) => person(['municipal'], { city });

  /** A complete application body (SPEC §7) that passes every SUBMIT rule of §5. */
  const caseBody = () => completeCaseBody({ roundId: round.id, catalogueEntryId: entry.id, insurerId: insurer.id });

  /** A draft opened through POST /cases, with every required document attached (as world.ts does). */
  async function draftCase(firm: Person): Promise<{ id: string; version: number }> {
    const res = await api.post<{ id: string; version: number }>('/cases', caseBody(), firm.token);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    await attachRequiredDocuments(db, res.body.id, firm.id);
    return { id: res.body.id, version: res.body.version };
  }

  /** Sends one event through the API and insists that it was accepted. */
  async function send(caseId: string, token: string, event: Record<string, unknown>): Promise<void> {
    const res = await api.post(`/cases/${caseId}/events`, event, token);
    if (res.status !== 200) throw new Error(`${String(event.type)} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  return { api, insurer, entry, round, firmIn, reviewerIn, person, caseBody, draftCase, send };
}
export type BenchWorld = Awaited<ReturnType<typeof makeBenchWorld>>;
