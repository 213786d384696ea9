import type { Attachment } from '../bedrock/messages.js';
import { estimateTokens } from '../bedrock/token-estimate.js';
import type { ConversationTurn } from '../store/types.js';

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
