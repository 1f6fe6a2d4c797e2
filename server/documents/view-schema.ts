// The answers of the document routes (present.ts `documentView`, list.ts), for the OpenAPI document.
import { z } from 'zod';
import { documentTypes } from '../../db/schema/cases';
import { idOut, instantOut } from '../domain/formats';

export const documentViewSchema = z
  .strictObject({
    id: idOut('this version of the document'),
    caseId: idOut('the case'),
    type: z.enum(documentTypes),
    version: z.int().meta({ description: '1, 2, … per type: a new upload of a type is a new version, older ones stay' }),
    fileName: z.string().meta({ description: 'the name it was uploaded under', example: '销售合同.pdf' }),
    mediaType: z.string().meta({ description: 'decided from the content', example: 'application/pdf' }),
    sizeBytes: z.int(),
    sha256: z.string().meta({ description: 'SHA-256 of the content, hex' }),
    uploadedBy: idOut('the uploader'),
    createdAt: instantOut('uploaded'),
    href: z.string().meta({ description: 'where the file itself is downloaded', example: '/api/v1/cases/{id}/documents/{docId}' }),
  })
  .meta({ id: 'Document' });

export const documentListSchema = z
  .strictObject({
    items: z.array(documentViewSchema).meta({ description: 'every version of every type: types in SPEC §3 order, newest version first within a type' }),
    latest: z.partialRecord(z.enum(documentTypes), documentViewSchema).meta({ description: 'the newest version of each type that has one, by type' }),
  })
  .meta({ id: 'DocumentList' });
