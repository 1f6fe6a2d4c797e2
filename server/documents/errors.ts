import { AppError } from '../errors';

// server/errors.ts has the kinds but no factories for these two; only uploads need them.

export const payloadTooLarge = (message: string) =>
  new AppError('payload_too_large', message, [{ path: 'file', message, messageZh: '文件不得超过 20 MB', code: 'too_large' }]);

export const unsupportedMediaType = (message: string, messageZh: string, code: string) =>
  new AppError('unsupported_media_type', message, [{ path: 'file', message, messageZh, code }]);
