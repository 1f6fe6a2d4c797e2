import { inArray } from 'drizzle-orm';
import { clocks } from '../db/schema';
import { makeClients } from './events-load';
import type { BenchApp, BenchConfig } from './support';
import type { BenchWorld } from './world';

export interface Statement {
  query: string;
  params: unknown[];
}

export interface CapturedEvents {
  events: { name: 'RETURN' | 'RESUBMIT'; statements: Statement[] }[];
  caseId: string;
  /** as many submitted cases as clients, the captured one first */
  caseIds: string[];
  /** the kinds of the clocks the captured statements name that existed before them */
  clockKinds: Map<string, string>;
}

/**
 * The exact statements the app sends for each event of the RETURN/RESUBMIT cycle, captured through
 * postgres.js's documented `debug` hook while one case goes SUBMIT → RETURN → RESUBMIT (the session
 * lookup, begin and commit included). `cases` submitted cases of the same firm are left for a
 * replay (bench/event-script.ts), the captured one among them.
 */
export async function captureEventSql(bench: BenchApp, world: BenchWorld, config: BenchConfig, cases: number): Promise<CapturedEvents> {
  const [client] = await makeClients(world, { ...config, BENCH_CLIENTS: 1 }, Math.max(1, cases));
  const [k, ...others] = client?.cases ?? [];
  if (!client || !k) throw new Error('no case to capture');
  const options = bench.app.database.sql.options as { debug?: unknown };
  let seen: (Statement & { connection: number })[] = [];
  const send = async (caseId: string, type: string, token: string, version: number, extra: Record<string, unknown> = {}) => {
    seen = [];
    const res = await fetch(`${bench.url}/api/v1/cases/${caseId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': String(version) },
      body: JSON.stringify({ type, ...extra }),
    });
    const body = (await res.json()) as { version?: number };
    if (res.status !== 200 || typeof body.version !== 'number') throw new Error(`${type} failed: ${res.status} ${JSON.stringify(body)}`);
    // the event's own: its transaction's connection, and the session lookup before it (other work of
    // the app, such as a clock or calendar refresh on another connection, is not the event's)
    const tx = seen.find((s) => s.query.trim() === 'begin')?.connection;
    const statements = seen.filter((s) => s.connection === tx || /from "sessions"/.test(s.query)).map(({ query, params }) => ({ query, params }));
    return { version: body.version, statements };
  };
  for (const other of others) await send(other.id, 'SUBMIT', client.firmToken, other.version);
  const submitted = await send(k.id, 'SUBMIT', client.firmToken, k.version);
  const before = new Set((await bench.app.db.select({ id: clocks.id }).from(clocks)).map((c) => c.id));
  options.debug = (connection: number, query: string, params: unknown[]) => {
    seen.push({ connection, query, params: [...params] });
  };
  try {
    const reasons = [{ path: 'contract.amount', message: '合同金额与销售发票不一致，请补正 (contract amount differs from the invoice)' }];
    const returned = await send(k.id, 'RETURN', client.reviewerToken, submitted.version, { reasons });
    const resubmitted = await send(k.id, 'RESUBMIT', client.firmToken, returned.version);
    options.debug = false;
    const events = [
      { name: 'RETURN' as const, statements: returned.statements },
      { name: 'RESUBMIT' as const, statements: resubmitted.statements },
    ];
    const named = [...new Set(events.flatMap((e) => e.statements.flatMap((s) => s.params.filter((p): p is string => typeof p === 'string' && before.has(p)))))];
    const kinds = named.length > 0 ? await bench.app.db.select({ id: clocks.id, kind: clocks.kind }).from(clocks).where(inArray(clocks.id, named)) : [];
    return { events, caseId: k.id, caseIds: [k.id, ...others.map((o) => o.id)], clockKinds: new Map(kinds.map((c) => [c.id, c.kind])) };
  } finally {
    options.debug = false;
  }
}
