import type { User } from '../context';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** the signed-in user, set by the session middleware */
      user?: User;
      /** a body that could not be read (bad JSON, too large), answered only after who is asking is settled */
      bodyError?: unknown;
    }
  }
}

declare module 'http' {
  interface IncomingMessage {
    /** request id, set by pino-http (from X-Request-Id when the caller sent a sane one) */
    id: string | number | object;
  }
}

export {};
