import type { Statement } from './capture';

/**
 * SPEC §9's second baseline: the exact SQL of one RETURN and one RESUBMIT, as the app sent it
 * (bench/capture.ts), turned into a pgbench script that any number of clients can replay, each on a
 * case of its own. The statements are the app's, word for word; only what must differ per run is
 * replaced by pgbench variables:
 *
 * - the case → `:case_id`, one case per client (picked by `:client_id`);
 * - the clocks that already existed → the client's own case's clock of the same kind;
 * - ids of the rows an event inserts (clocks, timers, deliveries) → fresh uuids per run;
 *   these and the two above come from one `select … \gset` per event, the one statement the app
 *   does not send;
 * - the history entry's `seq` → the next one of the case's chain (a unique key).
 *
 * Everything else (session, timestamps, payloads, hashes) is the captured literal. Literals with a
 * colon are written as E'…\072…' so that pgbench does not read `:16` of a time as a variable.
 */
export interface ScriptInput {
  events: { name: string; statements: Statement[] }[];
  /** the captured case, and one case per client to replay on */
  caseId: string;
  caseIds: string[];
  /** kinds of the clocks that existed before the captured events, by id */
  clockKinds: Map<string, string>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const isUuid = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v);

export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
  if (!/[:\\]/.test(s)) return `'${s.replaceAll("'", "''")}'`;
  return `E'${s.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll(':', '\\072')}'`;
}

interface Insert {
  table: string;
  /** for each $n of the statement, the column it fills */
  columnOf: Map<number, string>;
}

/** Which column each parameter of a drizzle INSERT … VALUES (…), (…) fills. */
export function parseInsert(query: string): Insert | null {
  const m = /^insert into "(\w+)" \(([^)]*)\) values (.*?)(?: on conflict .*| returning .*)?$/s.exec(query);
  if (!m?.[1] || m[2] === undefined || m[3] === undefined) return null;
  const columns = m[2].split(',').map((c) => c.trim().replaceAll('"', ''));
  const columnOf = new Map<number, string>();
  for (const tuple of m[3].matchAll(/\(([^()]*)\)/g)) {
    (tuple[1] ?? '').split(',').forEach((item, i) => {
      const p = /^\$(\d+)$/.exec(item.trim());
      const column = columns[i];
      if (p?.[1] && column) columnOf.set(Number(p[1]), column);
    });
  }
  return { table: m[1], columnOf };
}

/**
 * The column each parameter fills, by table, over every INSERT of a statement: one insert, or the
 * parts of a transition's joined writes (`with w0 as (…), w1 as (…) select 1`, db/shapes.ts), whose
 * parameters are numbered across the whole statement.
 */
export function parseInserts(query: string): Map<number, { table: string; column: string }> {
  const joined = /^with (w0 as \(.*\)) select 1$/s.exec(query);
  const parts = joined?.[1] ? joined[1].split(/\), w\d+ as \(/).map((part, i, all) => part.replace(/^w0 as \(/, '').replace(i === all.length - 1 ? /\)$/ : /$^/, '')) : [query];
  const out = new Map<number, { table: string; column: string }>();
  for (const part of parts) {
    const insert = parseInsert(part);
    for (const [n, column] of insert?.columnOf ?? []) out.set(n, { table: insert?.table ?? '', column });
  }
  return out;
}

export function pgbenchScript(input: ScriptInput): { script: string; statements: number } {
  const vars = new Map<string, string>(); // uuid → variable name
  vars.set(input.caseId, 'case_id');
  const clockVar = (kind: string) => `clock_${kind.replace(/\W/g, '_').toLowerCase()}`;
  for (const [id, kind] of input.clockKinds) vars.set(id, clockVar(kind));
  const lines: string[] = ['-- SPEC §9 second baseline: the SQL of one RETURN and one RESUBMIT as the app sends it (bench/event-script.ts)'];
  // the client's case and its clocks, with the first event's fresh ids: one statement
  const perClient = [
    'c.id as case_id',
    ...[...new Set(input.clockKinds.values())].map(
      (kind) => `(select id from clocks where owner_id = c.id and kind = '${kind}' order by started_at desc limit 1) as ${clockVar(kind)}`,
    ),
  ];
  const cases = `from (values ${input.caseIds.map((id) => `('${id}'::uuid)`).join(', ')}) as c(id) order by c.id offset :client_id limit 1`;
  let statements = 0;
  for (const [e, event] of input.events.entries()) {
    // the ids this event's inserts create
    const fresh: string[] = [];
    for (const s of event.statements) {
      for (const [n, { column }] of parseInserts(s.query)) {
        const v = s.params[n - 1];
        if (column === 'id' && isUuid(v) && !vars.has(v)) {
          vars.set(v, `n${e}_${fresh.length}`);
          fresh.push(v);
        }
      }
    }
    lines.push(`-- ${event.name}: ${event.statements.length} statements`);
    const columns = [...(e === 0 ? perClient : []), ...fresh.map((id) => `gen_random_uuid() as ${vars.get(id)}`)];
    if (columns.length > 0) lines.push(`select ${columns.join(', ')} ${e === 0 ? `${cases} ` : ''}\\gset`);
    for (const s of event.statements) {
      const filled = parseInserts(s.query);
      let text = s.query;
      // from the highest number down, so that $1 does not eat the start of $12
      for (let n = s.params.length; n >= 1; n--) {
        const target = filled.get(n);
        text = text.replace(new RegExp(`\\$${n}(?!\\d)`, 'g'), () => valueOf(s.params[n - 1], target?.table === 'history' && target.column === 'seq'));
      }
      lines.push(`${text};`);
      statements++;
    }
  }
  return { script: `${lines.join('\n')}\n`, statements };

  function valueOf(v: unknown, isSeq: boolean): string {
    if (isSeq) return "(select coalesce(max(seq), 0) + 1 from history where owner_kind = 'case' and owner_id = :case_id)";
    if (isUuid(v)) {
      const name = vars.get(v);
      return name ? `:${name}` : literal(v);
    }
    // a text that embeds a new row's id (a Message-ID): the same text around the run's id
    if (typeof v === 'string' && !/^[[{]/.test(v)) {
      const ids = v.match(UUID) ?? [];
      if (ids.some((id) => vars.has(id))) {
        const pieces = v.split(UUID).flatMap((text, i) => {
          const id = ids[i];
          const name = id ? vars.get(id) : undefined;
          return [literal(text), ...(id ? [name ? `:${name}::text` : literal(id)] : [])];
        });
        return `(${pieces.join(' || ')})`;
      }
    }
    return literal(v);
  }
}
