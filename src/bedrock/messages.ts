import type { ContentBlock, DocumentFormat, ImageFormat } from '@aws-sdk/client-bedrock-runtime';
import type { ConversationTurn, ThinkingBlock } from '../store/types.js';
import type { ChatMessage } from './runtime.js';

/** A file sent with the newest turn, already checked against Bedrock's limits. */
export type Attachment =
  | { kind: 'image'; format: ImageFormat; name: string; bytes: Uint8Array }
  | { kind: 'document'; format: DocumentFormat; name: string; bytes: Uint8Array };

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
      const block = last.content.find((entry) => 'text' in entry) as { text: string };
      block.text = `${block.text}\n\n${text}`;
    } else {
      // Claude's signed thinking goes back unchanged, before the answer it led to.
      const thinking = turn.role === 'assistant' && turn.thinking ? thinkingBlocks(turn.thinking) : [];
      messages.push({ role: turn.role, content: [...thinking, { text }] });
    }
  }
  const newest = messages.at(-1);
  if (newest && attachments.length > 0) newest.content.push(...attachments.map(toContentBlock));
  return messages;
}

function thinkingBlocks(thinking: ThinkingBlock): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  if (thinking.text !== undefined && thinking.signature) {
    blocks.push({
      reasoningContent: { reasoningText: { text: thinking.text, signature: thinking.signature } },
    });
  }
  for (const redacted of thinking.redacted ?? []) {
    blocks.push({ reasoningContent: { redactedContent: Buffer.from(redacted, 'base64') } });
  }
  return blocks;
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
