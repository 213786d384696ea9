import type { ContentBlock, DocumentFormat, ImageFormat } from '@aws-sdk/client-bedrock-runtime';
import type { ChatMessage } from '../bedrock/runtime.js';
import type { ConversationTurn } from '../store/types.js';

/** A file sent with the newest turn, already checked against Bedrock's limits. */
export type Attachment =
  | { kind: 'image'; format: ImageFormat; name: string; bytes: Uint8Array }
  | { kind: 'document'; format: DocumentFormat; name: string; bytes: Uint8Array };

/**
 * A rough token count. English prose runs about 4 characters a token; 3 leaves room for code and
 * other languages, because underestimating makes Bedrock reject the whole request.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

// Claude bills an image of about 1.15 megapixels at ~1,600 tokens, and larger ones are scaled down to it.
const IMAGE_TOKENS = 1_600;

export function attachmentTokens(attachments: Attachment[]): number {
  return attachments.reduce(
    (total, file) => total + (file.kind === 'image' ? IMAGE_TOKENS : Math.ceil(file.bytes.length / 3)),
    0,
  );
}

function turnTokens(turn: ConversationTurn): number {
  return estimateTokens(turn.text) + (turn.author ? estimateTokens(turn.author) + 2 : 0);
}

/**
 * The newest turns that fit in `budgetTokens`, oldest dropped first. The newest turn always stays;
 * the kept history starts with a user turn, as Bedrock requires. `fits` is false when even the
 * newest turn alone is too large.
 */
export function fitToWindow(
  turns: ConversationTurn[],
  budgetTokens: number,
): { turns: ConversationTurn[]; dropped: number; fits: boolean } {
  let used = 0;
  let first = turns.length;
  while (first > 0) {
    const cost = turnTokens(turns[first - 1]!);
    if (used + cost > budgetTokens && first < turns.length) break;
    used += cost;
    first -= 1;
  }
  while (first < turns.length - 1 && turns[first]?.role !== 'user') first += 1;
  return { turns: turns.slice(first), dropped: first, fits: used <= budgetTokens };
}

/**
 * Converse messages from stored turns: consecutive turns of one role merged (Bedrock rejects a
 * conversation that does not alternate), each user turn prefixed with its author when several people
 * speak, and the attachments added to the newest turn.
 */
export function toMessages(turns: ConversationTurn[], attachments: Attachment[] = []): ChatMessage[] {
  const authors = new Set(
    turns.flatMap((turn) => (turn.role === 'user' && turn.author ? [turn.author] : [])),
  );
  const named = authors.size > 1;
  const messages: ChatMessage[] = [];
  for (const turn of turns) {
    const text = named && turn.role === 'user' && turn.author ? `${turn.author}: ${turn.text}` : turn.text;
    const last = messages.at(-1);
    if (last && last.role === turn.role) {
      const block = last.content[0] as { text: string };
      block.text = `${block.text}\n\n${text}`;
    } else {
      messages.push({ role: turn.role, content: [{ text }] });
    }
  }
  const newest = messages.at(-1);
  if (newest && attachments.length > 0) newest.content.push(...attachments.map(toContentBlock));
  return messages;
}

function toContentBlock(file: Attachment): ContentBlock {
  return file.kind === 'image'
    ? { image: { format: file.format, source: { bytes: file.bytes } } }
    : { document: { format: file.format, name: documentName(file.name), source: { bytes: file.bytes } } };
}

/**
 * Bedrock takes document names of 1–200 characters made of letters, digits, single spaces, hyphens,
 * parentheses and square brackets; anything else in a Slack file name is replaced.
 */
export function documentName(fileName: string): string {
  const bare = fileName.replace(/\.[a-z0-9]+$/i, '');
  const cleaned = bare
    .replace(/[^A-Za-z0-9\s\-()[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
    .trim();
  return cleaned || 'document';
}
