import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { emailDeliveries, outbox } from '../db/schema';
import { startWorkers } from '../server/jobs/workers';
import { render } from '../server/mail/templates';
import type { PartResult } from './report';
import { cpuMeter, msSince } from './stats';
import { benchDatabase, onCleanup, startBenchApp, step, type BenchConfig } from './support';

const TEMPLATE = 'case.returned';
// as many sends in flight as the notifications worker runs (server/jobs/workers.ts)
const CONCURRENCY = 20;

/** A local SMTP sink in this process that accepts and counts messages, without parsing them. */
export async function startSink() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  onCleanup(close);
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received: () => received, close };
}

const vars = (i: number) => ({
  caseNumber: `ZJ2026-${String(i).padStart(6, '0')}`,
  firmName: '浙江基准新材料有限公司',
  materialName: '低缺陷高平坦度大尺寸半导体硅晶圆',
  link: `http://localhost:3000/cases/${randomUUID()}`,
  reason: '合同金额与销售发票不一致，请补正',
  dueOn: '2026-12-10',
});

/** SPEC §9: emails per second from one worker (relay + notifications worker) to a local SMTP sink. */
export async function benchEmail(config: BenchConfig): Promise<PartResult> {
  const n = config.BENCH_EMAILS;
  step(`email: database and ${n} pending deliveries`);
  const sink = await startSink();
  const { url } = await benchDatabase('email');
  const bench = await startBenchApp(config, url, { SMTP_URL: sink.url });
  const sql = bench.app.database.sql;
  // what notify() writes: one delivery row and one outbox row per message, all waiting for the relay
  const rows = Array.from({ length: n }, (_, i) => {
    const id = randomUUID();
    const data = vars(i);
    return { id, messageId: `<${id}@firstbatch.local>`, toAddress: `reviewer-${i}@example.test`, template: TEMPLATE, data, subject: render(TEMPLATE, data).subject };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await bench.app.db.insert(emailDeliveries).values(chunk);
    await bench.app.db.insert(outbox).values(chunk.map((r) => ({ topic: 'email', payload: { deliveryId: r.id } })));
  }

  step('email: relay + notifications worker until every delivery is sent');
  const meter = cpuMeter();
  const t0 = process.hrtime.bigint();
  const workers = await startWorkers(bench.app, { relayIdleMs: 50 });
  const deadline = Date.now() + Math.max(60_000, n * 20);
  let sent = 0;
  while (sent < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const [row] = await sql<{ n: string }[]>`select count(*) as n from email_deliveries where status = 'sent'`;
    sent = Number(row?.n ?? 0);
  }
  const workerMs = msSince(t0);
  const cpu = meter();
  await workers.close();
  await bench.close();
  if (sent < n) throw new Error(`only ${sent} of ${n} deliveries were sent within the time allowed`);

  step(`email: nodemailer pooled transport, ${n} messages direct`);
  const transport = nodemailer.createTransport(`${sink.url}?pool=true&maxConnections=5`);
  const b0 = process.hrtime.bigint();
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < n; i = next++) {
      const r = rows[i];
      if (!r) continue;
      const m = render(TEMPLATE, r.data);
      await transport.sendMail({ from: bench.app.env.MAIL_FROM, to: r.toAddress, subject: m.subject, text: m.text, messageId: r.messageId, headers: { 'X-Firstbatch-Template': TEMPLATE } });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  const directMs = msSince(b0);
  transport.close();
  await sink.close();

  const rate = n / (workerMs / 1000);
  const direct = n / (directMs / 1000);
  return {
    part: 'email',
    title: `4. Emails to a local SMTP sink — ${n} messages (baseline: nodemailer, pooled, ${CONCURRENCY} in flight)`,
    rows: [
      { metric: 'emails per second', unit: '/s', app: rate, baseline: direct, baselineName: 'direct', ratio: rate / direct, target: '≥ 100 /s', met: rate >= 100 },
      { metric: `time for ${n}`, unit: 's', app: workerMs / 1000, baseline: directMs / 1000, baselineName: 'direct' },
    ],
    notes: [
      `the worker path: outbox relay (batches of 200, the emails of one relay as jobs of up to 50) → BullMQ (own prefix) → notifications worker (concurrency 20) → one claim for the job's rows → render → SMTP (pool of 5) → one mark of the sent`,
      `CPU while the worker ran: this process ${cpu.processPct} % of one core, machine ${cpu.machinePct} %; the sink received ${sink.received()} messages in all`,
    ],
    details: { n, workerMs, directMs, cpu, received: sink.received() },
  };
}
