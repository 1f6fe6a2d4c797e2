// The closed set of domain errors. Services throw these; server/http/problem.ts maps them to
// RFC 9457 responses in one place. Anything else is a bug and becomes a 500 that leaks nothing.

export interface FieldError {
  path: string;
  message: string;
  code?: string;
  messageZh?: string;
}

type Kind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'precondition_required'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'too_many_requests'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly kind: Kind,
    message: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, errors: FieldError[] = []) => new AppError('bad_request', message, errors);
export const unauthenticated = (message = 'sign in first') => new AppError('unauthenticated', message);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const notFound = (what = 'resource') => new AppError('not_found', `${what} not found`);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new AppError('conflict', message, [], extra);
export const unprocessable = (message: string, errors: FieldError[]) => new AppError('unprocessable', message, errors);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError('too_many_requests', message, [], { retryAfterSeconds });
export const payloadTooLarge = (message: string, errors: FieldError[] = []) => new AppError('payload_too_large', message, errors);
export const unsupportedMediaType = (message: string, errors: FieldError[] = []) => new AppError('unsupported_media_type', message, errors);
export const unavailable = (message: string) => new AppError('unavailable', message);

export const statusOf: Record<Kind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_required: 428,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  unavailable: 503,
};
