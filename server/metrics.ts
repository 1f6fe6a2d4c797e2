import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { count, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  transitions: Counter<'event' | 'outcome'>;
  emails: Counter<'outcome'>;
}

/** One registry per app context, so that tests building several apps in one process do not collide. */
export function createMetrics(db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const outboxPending = new Gauge({
    name: 'firstbatch_outbox_pending',
    help: 'outbox rows not yet handed to the queue (grows while Redis is away)',
    registers: [registry],
    async collect() {
      const [row] = await db.select({ n: count() }).from(outbox).where(isNull(outbox.enqueuedAt));
      this.set(row?.n ?? 0);
    },
  });
  void outboxPending;
  return {
    registry,
    httpDuration: new Histogram({
      name: 'firstbatch_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    transitions: new Counter({
      name: 'firstbatch_case_events_total',
      help: 'case events by type and outcome (accepted, or the refusal status)',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    emails: new Counter({ name: 'firstbatch_emails_total', help: 'email sends by outcome', labelNames: ['outcome'], registers: [registry] }),
  };
}
