import { z } from 'zod';
import type { ServiceContext } from '../context';
import { SettableClock } from '../clock';
import { bullJob } from '../jobs/registry';
import { badRequest, forbidden, notFound } from '../errors';

export const clockMoveSchema = z.union([
  z.strictObject({ advance: z.iso.duration({ error: 'an ISO 8601 duration such as "P3D" or "PT2H"' }) }),
  z.strictObject({ set: z.iso.datetime({ offset: true, error: 'an instant with offset, e.g. 2026-10-01T09:00:00+08:00' }) }),
]);

function settable(ctx: ServiceContext): SettableClock {
  if (!ctx.user.roles.includes('admin')) throw forbidden('only administrators may move the clock');
  if (!(ctx.app.clock instanceof SettableClock)) throw notFound('route');
  return ctx.app.clock;
}

const MAX_ADVANCE_MS = 3650 * 86_400_000;
// Business dates of the programme end with 2100 (server/cases/body.ts), and deadlines count weeks
// past the clock: beyond this the working-day calendar and the date columns stop making sense.
const LATEST = new Date('2099-01-01T00:00:00+08:00');
const tooLate = (path: string) =>
  badRequest('the clock cannot move past 2099-01-01, where the programme\'s dates end', [{ path, message: 'must stay before 2099-01-01T00:00:00+08:00, where the programme\'s dates end', messageZh: '时钟不能拨到 2099-01-01 或更晚：项目的日期到此为止' }]);

// Days, hours, minutes and seconds only: months and years have no fixed length.
function durationMs(iso: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) throw badRequest('only weeks, days, hours, minutes and seconds can be advanced', [{ path: 'advance', message: 'only weeks, days, hours, minutes and seconds, e.g. P3D or PT6H', messageZh: '只能按周、天、小时、分钟和秒拨动，例如 P3D（3 天）或 PT6H（6 小时）' }]);
  const [, w = '0', d = '0', h = '0', min = '0', s = '0'] = m;
  // whole milliseconds: the clock keeps its offset in milliseconds
  return Math.round(((Number(w) * 7 + Number(d)) * 24 * 3600 + Number(h) * 3600 + Number(min) * 60 + Number(s)) * 1000);
}

export async function readClock(ctx: ServiceContext) {
  const clock = settable(ctx);
  await clock.refresh();
  return { now: clock.now().toISOString(), offsetMs: clock.now().getTime() - Date.now() };
}

/** Moves the shared clock and asks the workers to sweep at once, so due deadlines fire within seconds. */
export async function moveClock(ctx: ServiceContext, move: z.output<typeof clockMoveSchema>) {
  const clock = settable(ctx);
  if ('advance' in move) {
    const ms = durationMs(move.advance);
    // a demo clock needs years at most; beyond that dates stop being dates
    if (ms > MAX_ADVANCE_MS) throw badRequest('the clock moves at most ten years at a time', [{ path: 'advance', message: 'at most ten years (3650 days) at a time', messageZh: '最多一次拨动十年（3650 天）' }]);
    if (clock.now().getTime() + ms >= LATEST.getTime()) throw tooLate('advance');
    await clock.advance(ms);
  } else {
    const target = new Date(move.set);
    if (target.getTime() < clock.now().getTime()) throw badRequest('the clock only moves forward', [{ path: 'set', message: 'must not be earlier than the current clock: it only moves forward', messageZh: '不能早于当前时钟：时钟只能向前拨' }]);
    if (target.getTime() >= LATEST.getTime()) throw tooLate('set');
    await clock.set(target);
  }
  try {
    const { name, data, opts } = bullJob('sweep', { requestedAt: Date.now() }, ctx.app.clock.now());
    await ctx.app.queues.deadlines.add(name, data, opts);
  } catch (err) {
    // the minute's sweep still fires them; moving the clock must not fail for want of Redis
    ctx.app.log.warn({ err }, 'could not trigger an immediate sweep');
  }
  return { now: clock.now().toISOString() };
}
