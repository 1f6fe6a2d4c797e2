import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { AppContext, ServiceContext, User } from '../context';
import { badRequest, unsupportedMediaType, type FieldError } from '../errors';
import { zodErrors, problemSchema } from './problem';
import { registry } from './openapi';
import { gate, type Role } from './roles';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** An answer with its own status or headers; a body its route's schema describes is required beside it. */
export type Reply<St extends number = number, B = unknown> = { status?: St; headers?: Record<string, string>; [REPLY]: true } & (undefined extends B ? { body?: B } : { body: B });

/**
 * A success answer the OpenAPI document describes: its status, and the schema of its JSON body if
 * it has one, or the media types of the file the handler writes to `res` itself (a bank file, a
 * report: http/attachment.ts), documented as binary.
 */
export interface Ok {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** a file the handler writes itself, in any of these media types */
  files?: readonly string[];
  /** a file the handler writes itself, of this one media type */
  file?: string;
}
export interface AlsoOk extends Ok {
  schema: z.ZodType;
}

type BodyOf<O> = O extends { schema: infer S extends z.ZodType } ? z.input<S> : undefined;

/**
 * What a handler may answer: the body `ok` documents (nothing, for an `ok` without a schema), or
 * a reply with `ok`'s status and body, or with the status and body of one of `alsoOk`.
 */
export type Answer<O extends Ok, Also extends AlsoOk> =
  | (O extends { schema: z.ZodType } ? BodyOf<O> : void)
  | Reply<O['status'], BodyOf<O>>
  | (Also extends AlsoOk ? Reply<Also['status'], BodyOf<Also>> & { status: Also['status'] } : never);

/** Who asks a public route: anyone, signed in or not. */
export interface PublicContext extends Omit<ServiceContext, 'user'> {
  user: User | null;
}

export interface HandlerInput<P, Q, B, C = ServiceContext> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
  app: AppContext;
  /** the caller: a `ServiceContext` on a user route, a `PublicContext` (user or null) on a public one */
  ctx: C;
}

interface RouteBase<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, O extends Ok = Ok, Also extends AlsoOk = AlsoOk> {
  method: Method;
  path: string;
  /** the operation's name for clients and generated SDKs: camelCase, unique, never renamed */
  operationId: string;
  summary: string;
  /** the longer story for the OpenAPI document, where a route's behaviour needs one */
  description?: string;
  tags: string[];
  /** the roles that may use the route at all (SPEC §2), checked before the request is read */
  roles?: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** a multipart/form-data body, parsed by a `before` middleware: documented here, validated by the handler */
  form?: z.ZodObject;
  /** a file sent as the body itself (a bank statement), read by a `before` middleware: its media types */
  fileBody?: { mediaTypes: readonly string[]; description: string };
  /** responses documented in the OpenAPI document; problems (4xx) are added from `errors` */
  ok: O;
  /** other success answers of the same route, e.g. 200 for a dry run beside 201 */
  alsoOk?: readonly Also[];
  errors?: number[];
  /** extra middleware before validation, e.g. a multipart parser */
  before?: RequestHandler[];
}

type Auth = 'public' | 'user';

/** A public route's caller may be anonymous (`ctx.user` is `User | null`); only a user route's is a given `User`. */
export type CallerOf<A extends Auth> = A extends 'user' ? ServiceContext : PublicContext;

export interface RouteDef<
  A extends Auth,
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  O extends Ok = Ok,
  Also extends AlsoOk = never,
> extends RouteBase<P, Q, B, O, Also> {
  auth: A;
  /**
   * Whether the caller may act on what the params name (e.g. 404 for a case it may not see, 403
   * for one it may only read), checked before the query and the body are read.
   */
  authorize?: (input: { ctx: CallerOf<A>; params: z.output<P> }) => Promise<unknown>;
  /**
   * Problems of a body its schema refused that only what the params name can show (a SCORE against
   * the case's rubric), given the schema's: listed with them in the same 400, so that the caller
   * hears of every problem at once rather than one layer after another.
   */
  bodyProblems?: (input: { ctx: CallerOf<A>; params: z.output<P>; body: unknown; named: FieldError[] }) => Promise<FieldError[]>;
  /** answers what `ok` or `alsoOk` document: a body of another shape does not compile */
  handler: (input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>, CallerOf<A>>) => Promise<Answer<O, Also>>;
}

type Empty = z.ZodObject;

/**
 * One definition gives both the Express route (validated by its zod schemas) and its OpenAPI
 * entry, so the document cannot drift from what the server accepts.
 */
export function mount<
  A extends Auth,
  P extends z.ZodType = Empty,
  Q extends z.ZodType = Empty,
  B extends z.ZodType = Empty,
  const O extends Ok = Ok,
  const Also extends AlsoOk = never,
>(router: Router, app: AppContext, def: RouteDef<A, P, Q, B, O, Also>): void {
  claimOperationId(router, def.operationId);
  registry.registerPath(openapiEntry(def));
  const check = app.env.CHECK_RESPONSES === '1' ? responseCheck(def) : undefined;
  const handler: RequestHandler = async (req, res) => {
    const requestId = String(req.id);
    // TypeScript does not narrow A by comparing def.auth: each branch names the caller it checked
    const result =
      def.auth === 'user'
        ? await serve(def as RouteDef<'user', P, Q, B, O, Also>, { app, user: signedIn(req, def.operationId), requestId }, req, res, app)
        : await serve(def as RouteDef<'public', P, Q, B, O, Also>, { app, user: req.user ?? null, requestId }, req, res, app);
    if (res.headersSent) return;
    if (def.ok.file !== undefined) throw new Error(`${def.operationId} answers a file but its handler sent nothing`);
    const reply: { status?: number; body?: unknown; headers?: Record<string, string> } = isReply(result) ? result : { body: result };
    const status = reply.status ?? def.ok.status;
    check?.(status, reply.body);
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    res.status(status);
    if (reply.body === undefined) res.end();
    else res.json(reply.body);
  };
  router[def.method](def.path, gate(def.auth, def.roles), ...(def.before ?? []), handler);
}

/**
 * gate() turned away anonymous callers of a user route before this runs: a user route reached
 * without a user is a bug on our side, answered 500 rather than served to nobody.
 */
function signedIn(req: Request, operationId: string): User {
  if (!req.user) throw new Error(`${operationId} is a user route but was reached without a signed-in user`);
  return req.user;
}

/** Reads the request in the order refusals are owed (who, then what the params name, then the body) and runs the handler. */
async function serve<A extends Auth, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, O extends Ok, Also extends AlsoOk>(
  def: RouteDef<A, P, Q, B, O, Also>,
  ctx: CallerOf<A>,
  req: Request,
  res: Response,
  app: AppContext,
): Promise<unknown> {
  const params = parse(def.params, req.params, 'params') as z.output<P>;
  await def.authorize?.({ ctx, params });
  if (req.bodyError !== undefined) throw req.bodyError;
  // a JSON route read nothing from another type of body: answering as if it were empty would hide that
  if (def.body && hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
    throw unsupportedMediaType('send the body as application/json', [{ path: 'header.Content-Type', message: 'must be application/json' }]);
  }
  const query = parse(def.query, req.query, 'query') as z.output<Q>;
  const body = (await bodyOf(def, ctx, params, req.body ?? {})) as z.output<B>;
  return def.handler({ params, query, body, req, res, app, ctx });
}

/** The body as its schema reads it; refused, with the problems the schema found and those the route adds. */
async function bodyOf<A extends Auth, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, O extends Ok, Also extends AlsoOk>(
  def: RouteDef<A, P, Q, B, O, Also>,
  ctx: CallerOf<A>,
  params: z.output<P>,
  value: unknown,
): Promise<unknown> {
  if (!def.body) return {};
  // reportInput, as parse: the Chinese message says what was received instead of the expected type
  const r = def.body.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const named = zodErrors(r.error, '');
  const more = def.bodyProblems ? await def.bodyProblems({ ctx, params, body: value, named }) : [];
  throw badRequest('the request body is invalid', [...named, ...more]);
}

const OPERATION_ID = /^[a-z][A-Za-z0-9]*$/;
const operationIds = new WeakMap<Router, Set<string>>();

/** A second route with a taken or malformed operationId stops the server at start-up. */
function claimOperationId(router: Router, operationId: string): void {
  if (!OPERATION_ID.test(operationId)) throw new Error(`operationId ${operationId} is not camelCase`);
  const taken = operationIds.get(router) ?? new Set<string>();
  if (taken.has(operationId)) throw new Error(`operationId ${operationId} is used twice`);
  operationIds.set(router, taken.add(operationId));
}

function parse(schema: z.ZodType | undefined, value: unknown, where: 'params' | 'query') {
  if (!schema) return {};
  // reportInput: the Chinese message says what was received instead of the expected type
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) throw badRequest(`the request ${where} is invalid`, zodErrors(r.error, where));
  return r.data;
}

const REPLY = Symbol('reply');
/** An answer with a status or headers of its own; `status` must be `ok`'s or one of `alsoOk`'s, `body` that status's schema's. */
export function reply<const St extends number, B = undefined>(r: { status: St; body?: B; headers?: Record<string, string> }): Reply<St, B> & { status: St };
export function reply<B = undefined>(r: { body?: B; headers?: Record<string, string> }): Reply<never, B>;
export function reply(r: { status?: number; body?: unknown; headers?: Record<string, string> }): Reply {
  return Object.assign(r, { [REPLY]: true as const });
}
function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && REPLY in x;
}

/**
 * Tests only (CHECK_RESPONSES=1, a parse per answer): an answer the route does not document —
 * an undocumented status, a body its schema refuses — is our bug, thrown so it answers 500 and is
 * logged instead of reaching a client that trusts the OpenAPI document.
 */
function responseCheck(def: Documented): (status: number, body: unknown) => void {
  const schemas = new Map<number, z.ZodType | undefined>([[def.ok.status, def.ok.schema], ...(def.alsoOk ?? []).map((o) => [o.status, o.schema] as const)]);
  return (status, body) => {
    if (!schemas.has(status)) throw new Error(`${def.operationId} answered ${status}, a status it does not document`);
    const schema = schemas.get(status);
    if (schema === undefined) {
      if (body !== undefined) throw new Error(`${def.operationId} answered ${status} with a body it documents none for`);
      return;
    }
    // the body as the client receives it: dates as strings, undefined fields left out
    const parsed = schema.safeParse(body === undefined ? undefined : JSON.parse(JSON.stringify(body)));
    if (!parsed.success) throw new Error(`${def.operationId} answered ${status} with a body its schema refuses: ${z.prettifyError(parsed.error)}`);
  };
}

/** What the OpenAPI document and the response check read of a route. */
type Documented = RouteBase<z.ZodType, z.ZodType, z.ZodType> & { auth: Auth };

function openapiEntry(def: Documented): RouteConfig {
  const errors = [...new Set([400, ...(def.auth === 'user' ? [401] : []), ...(def.roles ? [403] : []), ...(def.errors ?? [])])].sort();
  return {
    method: def.method,
    path: def.path.replace(/:([A-Za-z]+)/g, '{$1}'),
    operationId: def.operationId,
    summary: def.summary,
    ...describe(def),
    tags: def.tags,
    // a public operation says so: no session needed, whatever a document-wide default may become
    security: def.auth === 'user' ? [{ bearer: [] }, { cookie: [] }] : [],
    request: {
      ...(def.params ? { params: def.params as z.ZodObject } : {}),
      ...(def.query ? { query: def.query as z.ZodObject } : {}),
      ...(def.body ? { body: { content: { 'application/json': { schema: def.body } } } } : {}),
      ...(def.form ? { body: { required: true, content: { 'multipart/form-data': { schema: def.form } } } } : {}),
      ...(def.fileBody ? { body: { required: true, description: def.fileBody.description, content: binary(def.fileBody.mediaTypes) } } : {}),
    },
    responses: {
      [def.ok.status]: {
        description: def.ok.description,
        ...(def.ok.schema ? { content: { 'application/json': { schema: def.ok.schema } } } : def.ok.files ? { content: binary(def.ok.files) } : def.ok.file ? { content: binary([def.ok.file]) } : {}),
      },
      ...Object.fromEntries((def.alsoOk ?? []).map((o) => [o.status, { description: o.description, content: { 'application/json': { schema: o.schema } } }])),
      ...Object.fromEntries(
        errors.map((s) => [s, { description: 'problem', content: { 'application/problem+json': { schema: problemSchema } } }]),
      ),
    },
  };
}

const binary = (mediaTypes: readonly string[]) => Object.fromEntries(mediaTypes.map((m) => [m, { schema: { type: 'string' as const, format: 'binary' } }]));

/** The operation's description: who may call it, then its own story where it has one. */
function describe(def: Documented): { description?: string } {
  const parts = [def.roles ? `Roles: ${def.roles.join(', ')}.` : '', def.description ?? ''].filter(Boolean);
  return parts.length > 0 ? { description: parts.join(' ') } : {};
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
