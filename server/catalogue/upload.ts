import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, badRequest } from '../errors';
import { uploadRefusalZh } from '../http/upload-words';

export const MAX_EDITION_FILE_BYTES = 10 * 1024 * 1024;
// room for the multipart framing and the form fields around a file of the maximum size
const MAX_BODY_BYTES = MAX_EDITION_FILE_BYTES + 64 * 1024;

// Memory storage: an edition file is parsed at once and never kept, so nothing touches the disk.
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_EDITION_FILE_BYTES, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  // browsers send UTF-8 file names (目录.xlsx) without saying so; busboy would assume latin1
  defParamCharset: 'utf8',
}).single('file');

const tooLarge = () =>
  new AppError('payload_too_large', `the file is larger than ${MAX_EDITION_FILE_BYTES / 1024 / 1024} MB`, [
    { path: 'file', message: 'at most 10 MB', messageZh: '文件不得超过 10 MB', code: 'catalogue.file_too_large' },
  ]);

function uploadError(err: unknown): unknown {
  if (!(err instanceof multer.MulterError)) {
    // busboy's own complaints (truncated body, bad part headers) are the client's doing
    if (!(err instanceof Error) || err instanceof AppError) return err;
    const message = `the multipart body is malformed: ${err.message}`;
    return badRequest(message, [{ path: 'body', message, messageZh: uploadRefusalZh(''), code: 'multipart_malformed' }]);
  }
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return tooLarge();
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return badRequest('send exactly one file, in the field "file"', [{ path: err.field ?? 'file', message: 'unexpected file', messageZh: uploadRefusalZh(err.code) }]);
    default:
      return badRequest(`the multipart body was refused: ${err.message}`, [{ path: err.field ?? 'body', message: err.message, messageZh: uploadRefusalZh(err.code), code: err.code }]);
  }
}

/**
 * Runs after the route's role check (route.ts), so that an anonymous 10 MB upload costs nothing;
 * the body must be multipart/form-data, parsed with the limits above.
 */
export const editionUpload: RequestHandler[] = [
  (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      throw new AppError('unsupported_media_type', 'send the edition as multipart/form-data with a "file" part (CSV or XLSX) and the fields year, docNumber, effectiveOn');
    }
    if (Number(req.get('content-length') ?? 0) > MAX_BODY_BYTES) {
      // do not read (or make the client send) megabytes that are refused anyway
      res.setHeader('Connection', 'close');
      throw tooLarge();
    }
    next();
  },
  (req: Request, res: Response, next: NextFunction) => {
    upload(req, res, (err: unknown) => next(err === undefined || err === null ? undefined : uploadError(err)));
  },
];
