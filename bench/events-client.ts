// The load generator of bench/events.ts, run in a process of its own (like pgbench beside
// Postgres) so that the clients do not share the server's event loop. Node's fetch (undici) keeps
// its connections alive: each client holds one connection.

type Next = 'SUBMIT' | 'RETURN' | 'RESUBMIT';

export interface ClientPlan {
  firmToken: string;
  reviewerToken: string;
  /** `next` is the event the case takes next: SUBMIT for a fresh draft */
  cases: { id: string; version: number; next: Next }[];
}

export interface LoadPlan {
  baseUrl: string;
  warmupMs: number;
  durationMs: number;
  clients: ClientPlan[];
  /** instead of events, GET this path (e.g. /healthz): the HTTP stack alone, for comparison */
  floorPath?: string;
}

export interface LoadResult {
  /** latency of each event completed inside the measured window, ms */
  latencies: number[];
  byType: Record<string, number>;
  measuredMs: number;
  /** every accepted event, warm-up included */
  completed: number;
  errors: number;
  errorSamples: string[];
  /** where every case was left, so that a later run can carry on from there */
  final: ClientPlan[];
}

const after: Record<Next, Next> = { SUBMIT: 'RETURN', RETURN: 'RESUBMIT', RESUBMIT: 'RETURN' };
const bodies: Record<Next, Record<string, unknown>> = {
  SUBMIT: { type: 'SUBMIT' },
  RESUBMIT: { type: 'RESUBMIT' },
  RETURN: { type: 'RETURN', reasons: [{ path: 'contract.amount', message: '合同金额与销售发票不一致，请补正 (contract amount differs from the invoice)' }] },
};

async function runClient(plan: LoadPlan, client: ClientPlan, window: { start: number; end: number }, out: LoadResult): Promise<void> {
  // each case cycles SUBMIT → RETURN → RESUBMIT → RETURN …; a client's cases are its own, so no conflicts
  const cases = client.cases.map((c) => ({ ...c }));
  out.final.push({ ...client, cases });
  for (let i = 0; cases.length > 0 && performance.now() < window.end; i++) {
    const k = cases[i % cases.length];
    if (!k) break;
    const token = k.next === 'RETURN' ? client.reviewerToken : client.firmToken;
    const t0 = performance.now();
    const res = await fetch(`${plan.baseUrl}/api/v1/cases/${k.id}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': String(k.version) },
      body: JSON.stringify(bodies[k.next]),
    });
    const body = (await res.json()) as { version?: number };
    const t1 = performance.now();
    if (res.status !== 200 || typeof body.version !== 'number') {
      out.errors++;
      if (out.errorSamples.length < 5) out.errorSamples.push(`${k.next} ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      cases.splice(i % cases.length, 1);
      continue;
    }
    out.completed++;
    if (t0 >= window.start && t1 <= window.end) {
      out.latencies.push(t1 - t0);
      out.byType[k.next] = (out.byType[k.next] ?? 0) + 1;
    }
    k.version = body.version;
    k.next = after[k.next];
  }
}

async function runFloorClient(url: string, window: { start: number; end: number }, out: LoadResult): Promise<void> {
  while (performance.now() < window.end) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    const t1 = performance.now();
    out.completed++;
    if (t0 >= window.start && t1 <= window.end) out.latencies.push(t1 - t0);
  }
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const out: LoadResult = { latencies: [], byType: {}, measuredMs: plan.durationMs, completed: 0, errors: 0, errorSamples: [], final: [] };
  const start = performance.now() + plan.warmupMs;
  const window = { start, end: start + plan.durationMs };
  const { floorPath } = plan;
  await Promise.all(plan.clients.map((c) => (floorPath ? runFloorClient(`${plan.baseUrl}${floorPath}`, window, out) : runClient(plan, c, window, out))));
  return out;
}

// Started by bench/events.ts with fork(): one plan in, one result out.
if (process.send) {
  process.once('message', (plan: LoadPlan) => {
    runLoad(plan).then(
      (result) => process.send?.(result, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
