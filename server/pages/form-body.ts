import type { RequestHandler } from 'express';

// eslint-disable-next-line no-control-regex -- NUL is exactly what is dropped
const NUL = /\u0000/g;

/**
 * A page form's fields without NUL characters. No browser sends one from what a person types or
 * pastes into a field, and Postgres cannot store one: left in, a crafted or copied value would end
 * on the generic error page with the whole form lost, where the field's own check should speak.
 * (The JSON API refuses NUL instead, naming its path: json-body.ts.)
 */
export const withoutNul: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (body && typeof body === 'object') {
    const fields = body as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields)) {
      const clean = typeof value === 'string' ? value.replace(NUL, '') : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.replace(NUL, '') : v)) : value;
      if (key.includes('\u0000')) delete fields[key];
      // defined, not assigned: a key that cleans to "__proto__" stays a field and sets no prototype
      Object.defineProperty(fields, key.replace(NUL, ''), { value: clean, enumerable: true, writable: true, configurable: true });
    }
  }
  next();
};
