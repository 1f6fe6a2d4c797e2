import { payloadTooLarge as tooLarge, unsupportedMediaType as unsupported } from '../errors';

export const payloadTooLarge = (message: string) => tooLarge(message, [{ path: 'file', message, messageZh: '文件不得超过 20 MB', code: 'too_large' }]);

export const unsupportedMediaType = (message: string, messageZh: string, code: string) => unsupported(message, [{ path: 'file', message, messageZh, code }]);
