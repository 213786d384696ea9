import { acceptsDocuments, acceptsImages, Catalog, type CatalogModel } from '../bedrock/catalog.js';
import type { AnsweredReply } from './service.js';

/** Up to three active models that can do what `can` asks, by the short names people type. */
function modelsThat(catalog: Catalog, can: (model: CatalogModel) => boolean): string {
  return catalog
    .invocableTextModels()
    .filter((model) => model.lifecycle === 'ACTIVE' && can(model))
    .slice(0, 3)
    .map((model) => `\`${Catalog.shortName(model)}\``)
    .join(', ');
}

/** What an answer leaves out, said beside it: older turns, and attachments the model cannot take. */
export function replyNotes(catalog: Catalog, name: string, reply: AnsweredReply): string[] {
  const notes: string[] = [];
  if (reply.droppedTurns > 0) {
    notes.push(
      `The ${reply.droppedTurns} oldest message${reply.droppedTurns === 1 ? '' : 's'} of this thread were left out to fit ${name}’s context window.`,
    );
  }
  if (reply.unseenImages.length > 0) {
    const seers = modelsThat(catalog, acceptsImages);
    notes.push(
      `${name} cannot see images, so it did not see ${reply.unseenImages.join(', ')}.${seers ? ` Models that would: ${seers} (\`@Bedrock use <model>\`).` : ''}`,
    );
  }
  if (reply.unseenDocuments.length > 0) {
    const readers = modelsThat(catalog, acceptsDocuments);
    notes.push(
      `${name} cannot read documents, so it did not read ${reply.unseenDocuments.join(', ')}.${readers ? ` Models that would: ${readers}.` : ''}`,
    );
  }
  return notes;
}
