import { badRequest } from '../errors';
import { unsupportedMediaType } from './errors';
import { cleanBaseName, storedFileName } from './file-name';
import { declaredTypeAgrees, extensionAgrees, extensionOf, kinds, type FileKind } from './media';
import type { ReceivedFile } from './multipart';
import { sniffFile } from './sniff';
import { sha256OfFile } from './storage';

export interface InspectedFile {
  kind: FileKind;
  mediaType: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
}

const LABEL: Record<FileKind, string> = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', ofd: 'OFD' };

/** Decides what the file is from its bytes, and refuses it when its name or declared type says otherwise. */
export async function inspectFile(file: ReceivedFile): Promise<InspectedFile> {
  if (file.size === 0) throw badRequest('the file is empty', [{ path: 'file', message: 'the file is empty', messageZh: '文件为空', code: 'empty' }]);
  const kind = await sniffFile(file.path);
  if (!kind) {
    throw unsupportedMediaType('the file is not a PDF, JPEG, PNG or OFD document (judged from its content)', '文件须为 PDF、JPEG、PNG 或 OFD 格式（按文件内容判断）', 'unsupported_content');
  }
  const base = cleanBaseName(file.originalName);
  if (!extensionAgrees(kind, base)) {
    const ext = extensionOf(base) ?? '';
    throw unsupportedMediaType(`the file is a ${LABEL[kind]} but its name ends in .${ext}`, `文件内容为 ${LABEL[kind]}，与扩展名 .${ext} 不符`, 'extension_mismatch');
  }
  if (!declaredTypeAgrees(kind, file.declaredType)) {
    throw unsupportedMediaType(`the file is a ${LABEL[kind]} but was sent as ${file.declaredType}`, `文件内容为 ${LABEL[kind]}，与声明的类型 ${file.declaredType} 不符`, 'declared_type_mismatch');
  }
  return {
    kind,
    mediaType: kinds[kind].mediaType,
    fileName: storedFileName(base, kind),
    sizeBytes: file.size,
    sha256: await sha256OfFile(file.path),
  };
}
