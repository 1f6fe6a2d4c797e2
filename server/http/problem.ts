import { isDatabaseUnavailable } from '../../db/errors';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { AppError, statusOf, type FieldError } from '../errors';
import type { Logger } from '../logger';
import { BODY_REFUSALS } from './json-body';
import { wordsOf } from './issue-words';

// RFC 9457 problem details, built in this one place.
const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  428: 'Precondition required',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional(), messageZh: z.string().optional() })).optional(),
  })
  .meta({ id: 'Problem' });

export function sendProblem(req: Request, res: Response, status: number, detail: string, errors?: FieldError[], extra: Record<string, unknown> = {}) {
  const slug = (titles[status] ?? 'error').toLowerCase().replace(/\s+/g, '-');
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: `/problems/${slug}`, title: titles[status] ?? 'Error', status, detail, requestId: String(req.id ?? ''), ...(errors ? { errors } : {}), ...extra });
}

/** Each issue at its path, in plain English and Chinese (issue-words.ts). */
export function zodErrors(error: z.ZodError, prefix: string): FieldError[] {
  return error.issues.map((i) => {
    const words = wordsOf(i);
    return {
      path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
      message: words.en,
      messageZh: words.zh,
      code: i.code,
    };
  });
}

/** SQLSTATE class 22 (data exception): text with NUL, an unpaired surrogate, a number out of range. */
export function isUnstorableValue(err: unknown): boolean {
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code ?? (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof AppError) {
      const { retryAfterSeconds, ...extra } = err.extra;
      if (typeof retryAfterSeconds === 'number') res.setHeader('Retry-After', String(retryAfterSeconds));
      return sendProblem(req, res, statusOf[err.kind], err.message, err.errors.length ? err.errors : undefined, extra);
    }
    const status = (err as { status?: number; type?: string }).status;
    const bodyType = (err as { type?: string }).type;
    if (bodyType === 'entity.parse.failed') {
      const message = (err as Error).message;
      if (BODY_REFUSALS.some((words) => message.startsWith(words))) return sendProblem(req, res, 400, message);
      // the parser's stack ends before the text does: valid JSON, nested deeper than any request of this API
      if (/call stack/i.test(message)) return sendProblem(req, res, 400, 'the request body is nested too deeply');
      return sendProblem(req, res, 400, 'the request body is not valid JSON');
    }
    if (bodyType === 'entity.too.large') return sendProblem(req, res, 413, 'the request body is too large');
    if (typeof status === 'number' && status >= 400 && status < 500) return sendProblem(req, res, status, titles[status] ?? 'bad request');
    if (isUnstorableValue(err)) {
      return sendProblem(req, res, 400, 'the request holds a value the database cannot store, such as a NUL character or a broken surrogate pair');
    }
    if (isDatabaseUnavailable(err)) {
      log.warn({ err, requestId: req.id }, 'database unavailable');
      res.setHeader('Retry-After', '5');
      return sendProblem(req, res, 503, 'the service is temporarily unavailable; try again shortly');
    }
    log.error({ err, requestId: req.id }, 'unhandled error');
    sendProblem(req, res, 500, 'something went wrong on our side; quote the request id when reporting it');
  };
}
