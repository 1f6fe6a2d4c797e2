import type postgres from 'postgres';
import { makeClients } from './events-load';
import type { BenchApp, BenchConfig } from './support';
import type { BenchWorld } from './world';

export interface Statement {
  query: string;
  params: unknown[];
}

/**
 * The exact statements the app sends for one event of each kind of the RETURN/RESUBMIT cycle,
 * captured through postgres.js's documented `debug` hook while one case goes
 * SUBMIT → RETURN → RESUBMIT (the session lookup, begin and commit included).
 */
export async function captureEventSql(bench: BenchApp, world: BenchWorld, config: BenchConfig): Promise<Record<'RETURN' | 'RESUBMIT', Statement[]>> {
  const [client] = await makeClients(world, { ...config, BENCH_CLIENTS: 1 }, 1);
  const k = client?.cases[0];
  if (!client || !k) throw new Error('no case to capture');
  const options = bench.app.database.sql.options as { debug?: unknown };
  let seen: Statement[] = [];
  options.debug = (_connection: number, query: string, params: unknown[]) => {
    seen.push({ query, params: [...params] });
  };
  const send = async (type: string, token: string, version: number, extra: Record<string, unknown> = {}) => {
    seen = [];
    const res = await fetch(`${bench.url}/api/v1/cases/${k.id}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': String(version) },
      body: JSON.stringify({ type, ...extra }),
    });
    const body = (await res.json()) as { version?: number };
    if (res.status !== 200 || typeof body.version !== 'number') throw new Error(`${type} failed: ${res.status} ${JSON.stringify(body)}`);
    return { version: body.version, statements: seen };
  };
  try {
    const submitted = await send('SUBMIT', client.firmToken, k.version);
    const reasons = [{ path: 'contract.amount', message: '合同金额与销售发票不一致，请补正 (contract amount differs from the invoice)' }];
    const returned = await send('RETURN', client.reviewerToken, submitted.version, { reasons });
    const resubmitted = await send('RESUBMIT', client.firmToken, returned.version);
    return { RETURN: returned.statements, RESUBMIT: resubmitted.statements };
  } finally {
    options.debug = false;
  }
}

export type CapturedSql = postgres.Sql;
