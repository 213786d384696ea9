import type { DocumentFormat, ImageFormat } from '@aws-sdk/client-bedrock-runtime';

/** A file attached to a chat turn, as its metadata describes it, before it is downloaded. */
export interface IncomingFile {
  name: string;
  mimetype: string;
  size: number;
}

export type AcceptedFile<F extends IncomingFile = IncomingFile> =
  | { file: F; kind: 'image'; format: ImageFormat }
  | { file: F; kind: 'document'; format: DocumentFormat };

// Bedrock's Converse limits (user guide, "ImageBlock" and "DocumentBlock").
export const ATTACHMENT_LIMITS = {
  imageBytes: 3.75 * 1024 * 1024,
  images: 20,
  documentBytes: 4.5 * 1024 * 1024,
  documents: 5,
} as const;

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  csv: 'csv',
  doc: 'doc',
  docx: 'docx',
  xls: 'xls',
  xlsx: 'xlsx',
  html: 'html',
  htm: 'html',
  txt: 'txt',
  text: 'txt',
  md: 'md',
  markdown: 'md',
};

/** Formats whose bytes are text, so a model that takes no documents can still read them inline. */
export const TEXT_DOCUMENT_FORMATS = new Set<DocumentFormat>(['csv', 'html', 'txt', 'md']);

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Sorts files into what Bedrock can take and what it cannot, with one sentence per refusal, before
 * anything is downloaded.
 */
export function checkAttachments<F extends IncomingFile>(
  files: F[],
): { accepted: AcceptedFile<F>[]; problems: string[] } {
  const accepted: AcceptedFile<F>[] = [];
  const problems: string[] = [];
  let images = 0;
  let documents = 0;
  for (const file of files) {
    const imageFormat = IMAGE_FORMATS[file.mimetype.toLowerCase()];
    const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
    const documentFormat = DOCUMENT_FORMATS[extension];
    if (imageFormat) {
      if (file.size > ATTACHMENT_LIMITS.imageBytes) {
        problems.push(`*${file.name}* is ${megabytes(file.size)}; Bedrock takes images up to 3.75 MB.`);
      } else if (++images > ATTACHMENT_LIMITS.images) {
        problems.push(`*${file.name}* was left out: Bedrock takes at most 20 images a message.`);
      } else {
        accepted.push({ file, kind: 'image', format: imageFormat });
      }
    } else if (documentFormat) {
      if (file.size > ATTACHMENT_LIMITS.documentBytes) {
        problems.push(`*${file.name}* is ${megabytes(file.size)}; Bedrock takes documents up to 4.5 MB.`);
      } else if (++documents > ATTACHMENT_LIMITS.documents) {
        problems.push(`*${file.name}* was left out: Bedrock takes at most 5 documents a message.`);
      } else {
        accepted.push({ file, kind: 'document', format: documentFormat });
      }
    } else {
      problems.push(
        `*${file.name}* is not a format Bedrock reads: images may be PNG, JPEG, GIF or WebP; documents PDF, CSV, DOC(X), XLS(X), HTML, TXT or MD.`,
      );
    }
  }
  return { accepted, problems };
}
