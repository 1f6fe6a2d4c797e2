import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import type { AppContext } from '../context';
import { AppError, badRequest } from '../errors';
import { payloadTooLarge, unsupportedMediaType } from './errors';
import { discardTemp, uploadTempDir } from './storage';
import { uploadRefusalZh } from '../http/upload-words';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
// room for the multipart framing and the `type` field around a file of the maximum size
const MAX_BODY_BYTES = MAX_FILE_BYTES + 64 * 1024;
const TOO_LARGE = 'the file is larger than 20 MB';

export interface ReceivedFile {
  path: string;
  originalName: string;
  declaredType: string;
  size: number;
}

export interface ReceivedUpload {
  fields: Record<string, unknown>;
  file?: ReceivedFile;
}

/**
 * Streams the `file` part to a temp file under DATA_DIR, never into memory. A body announced as
 * too large is refused before any of it is read; a file that turns out too large is cut off at
 * 20 MB + 1 byte, its partial temp file removed by multer, and answered 413.
 */
export function receiveUpload(app: AppContext): RequestHandler[] {
  const options: multer.Options & { streamHandler: (req: IncomingMessage, sink: NodeJS.WritableStream) => void } = {
    storage: multer.diskStorage({
      destination: (_req, _file, cb) => {
        const dir = uploadTempDir(app.env.DATA_DIR);
        mkdir(dir, { recursive: true }).then(() => cb(null, dir), (err: Error) => cb(err, dir));
      },
      filename: (_req, _file, cb) => cb(null, randomUUID()),
    }),
    limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 256, fieldNameSize: 64, headerPairs: 20 },
    // browsers send UTF-8 file names (营业执照.pdf) without saying so; busboy would assume latin1
    defParamCharset: 'utf8',
    streamHandler: (req, sink) => {
      // a chunked body has no Content-Length to check up front: stop reading it past the bound
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_BODY_BYTES) req.destroy();
      });
      req.pipe(sink);
    },
  };
  const single = multer(options).single('file');
  const refuseUpfront: RequestHandler = (req, res, next) => {
    if (!req.is('multipart/form-data')) throw unsupportedMediaType('send the document as multipart/form-data with the fields type and file', '请以 multipart/form-data 上传', 'not_multipart');
    if (Number(req.get('content-length') ?? 0) > MAX_BODY_BYTES) {
      // do not read (or make the client send) megabytes we are going to refuse
      res.setHeader('Connection', 'close');
      throw payloadTooLarge(TOO_LARGE);
    }
    next();
  };
  const parse: RequestHandler = (req, res, next) => {
    single(req, res, (err?: unknown) => {
      if (err) return next(translate(err, req));
      const path = req.file?.path;
      // the service removes it too; this covers a request that fails before reaching it
      res.on('close', () => discardTemp(path).catch((e: unknown) => app.log.warn({ err: e }, 'could not remove an upload temp file')));
      next();
    });
  };
  return [refuseUpfront, parse];
}

export function receivedUpload(req: Request): ReceivedUpload {
  const file = req.file;
  const fields = { ...(req.body as Record<string, unknown> | undefined) };
  if (!file?.path) return { fields };
  return { fields, file: { path: file.path, originalName: file.originalname, declaredType: file.mimetype, size: file.size } };
}

function translate(err: unknown, req: Request): unknown {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return payloadTooLarge(TOO_LARGE);
    return badRequest(`the upload was refused: ${err.message}`, [{ path: err.field ?? 'body', message: err.message, messageZh: uploadRefusalZh(err.code), code: err.code }]);
  }
  if (err instanceof AppError) return err;
  // file-system failures (ENOSPC, EACCES) are ours and stay 500; the rest are malformed bodies
  if (isSystemError(err)) return err;
  if (req.destroyed) return badRequest('the upload was interrupted', [{ path: 'file', message: 'the upload was interrupted; send the file again', messageZh: '上传中断，请重新上传文件', code: 'upload_interrupted' }]);
  const message = `the multipart body could not be read: ${err instanceof Error ? err.message : 'unknown reason'}`;
  // busboy's complaint (a malformed part header, a body cut short) is English only: the form says it in Chinese too
  return badRequest(message, [{ path: 'body', message, messageZh: uploadRefusalZh(''), code: 'multipart_malformed' }]);
}

function isSystemError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
