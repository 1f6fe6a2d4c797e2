import express, { type RequestHandler } from 'express';

// What the JSON body parser refuses before any schema reads the body. Each refusal is a 400 whose
// detail begins with one of these words, which the error handler (problem.ts) passes on as they are.
const UNSTORABLE = 'the request body holds text that cannot be stored';
const PROTO = 'the request body holds a "__proto__" key';
const TWICE = 'the request body names the key';
const UNDECODABLE = 'the request body is not valid';
export const BODY_REFUSALS = [UNSTORABLE, PROTO, TWICE, UNDECODABLE] as const;

// NUL, and UTF-16 surrogates without their pair: Postgres refuses the first, hashing the second
// eslint-disable-next-line no-control-regex -- NUL is exactly what is refused
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where unstorable text was found, carried up from the value to the root while JSON.parse revives
 * the body: each level adds its key in front of the one below, in constant time, and the path is
 * spelled once, at the root.
 */
class Unstorable {
  constructor(
    readonly key: string,
    readonly below: Unstorable | null,
  ) {}

  /** The keys from the root's member down, joined by dots, at most `max` characters. */
  path(max: number): string {
    const keys: string[] = [];
    let length = 0;
    for (let at: Unstorable | null = this.below; at && length <= max; at = at.below) {
      keys.push(at.key);
      length += at.key.length + 1;
    }
    return keys.join('.').slice(0, max);
  }
}

/**
 * JSON.parse reviver: refuses such text and such keys at the door, naming where they were by their
 * whole path (`caseIds.0`, `material.name`). The reviver sees members from the leaves up, so the
 * find travels up as a marker in place of the value and the root's call refuses the body.
 */
function reviver(key: string, value: unknown): unknown {
  // JSON.parse makes it an own key, and a schema that builds a new object (a record of scores)
  // skips it without a word: the sender would believe it was read
  if (key === '__proto__') throw new Error(`${PROTO}, which no field of this API has`);
  let found: Unstorable | null = null;
  if (UNSTORABLE_TEXT.test(key)) found = new Unstorable(JSON.stringify(key).slice(1, -1), null);
  else if (typeof value === 'string' && UNSTORABLE_TEXT.test(value)) found = new Unstorable(key, null);
  else if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) {
      if (member instanceof Unstorable) {
        found = new Unstorable(key, member);
        break;
      }
    }
  }
  if (found && key === '') throw new Error(`${UNSTORABLE} (a NUL character or a broken surrogate pair) at "${found.path(200)}"`);
  return found ?? value;
}

/**
 * The first key that one object of this JSON text names twice (escapes decoded), or undefined —
 * also for text that is not JSON, which the parser then refuses in its own words.
 */
export function duplicateKey(text: string): string | undefined {
  // a set of keys per open object, null per open array
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = closingQuote(text, i);
      if (end < 0) return undefined;
      const keys = open.at(-1);
      if (keys && keyNext) {
        const key = parsedString(text.slice(i, end + 1));
        if (key === undefined) return undefined;
        if (keys.has(key)) return key;
        keys.add(key);
        keyNext = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      open.push(c === '{' ? new Set() : null);
      keyNext = c === '{';
    } else if (c === '}' || c === ']') {
      open.pop();
      keyNext = false;
    } else if (c === ',') {
      keyNext = open.at(-1) instanceof Set;
    }
  }
  return undefined;
}

function closingQuote(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  return -1;
}

function parsedString(token: string): string | undefined {
  try {
    return JSON.parse(token) as string;
  } catch {
    return undefined;
  }
}

/**
 * body-parser's verify hook. Parsers disagree on which of two equal keys wins (JSON.parse keeps
 * the last), so a proxy, a log or a second reader could see another request than the one served.
 */
function refuseDuplicateKeys(_req: unknown, _res: unknown, buf: Buffer, encoding: string | null): void {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    // fatal: bytes that are not text in the body's encoding are refused, not stored as U+FFFD
    decoder = new TextDecoder(encoding ?? 'utf-8', { fatal: true });
  } catch {
    // an encoding nobody decodes: body-parser answers 415 for it
    return;
  }
  let text: string;
  try {
    text = decoder.decode(buf);
  } catch {
    throw Object.assign(new Error(`${UNDECODABLE} ${encoding ?? 'utf-8'} text; send JSON encoded as UTF-8`), { status: 400, type: 'entity.parse.failed' });
  }
  const key = duplicateKey(text);
  if (key !== undefined) {
    throw Object.assign(new Error(`${TWICE} "${key.slice(0, 100)}" twice in one object; send each key once`), { status: 400, type: 'entity.parse.failed' });
  }
}

/** The JSON body parser of the API. */
export const jsonBody = (): RequestHandler =>
  express.json({ limit: '1mb', type: ['application/json', 'application/*+json'], reviver, verify: refuseDuplicateKeys });
