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

/** Bedrock's own count of a request made of these turns (system prompt included), or undefined. */
export type CountTokens = (turns: ConversationTurn[]) => Promise<number | undefined>;

/** How many more counts a trim may ask for after the first, to keep a reply's wait short. */
const MAX_RECOUNTS = 3;

/**
 * `fitToWindow` with Bedrock's count where the model has one: the estimate (characters/3) decides
 * alone while the thread is well inside the window; near the limit the real count keeps every turn
 * that fits, scaling the estimate to it and checking the result. `budgetTokens` here leaves room for
 * the system prompt only when nothing is counted (a count includes it), so `systemTokens` is its
 * estimate for that fallback.
 */
export async function fitToWindowCounted(
  turns: ConversationTurn[],
  budgetTokens: number,
  systemTokens: number,
  count: CountTokens | undefined,
): Promise<{ turns: ConversationTurn[]; dropped: number; fits: boolean; counted: boolean }> {
  const estimated = { ...fitToWindow(turns, budgetTokens - systemTokens), counted: false };
  const estimatedAll = systemTokens + turns.reduce((sum, turn) => sum + turnTokens(turn), 0);
  // Even an estimate off by half leaves this inside the window: no call needed.
  if (!count || estimatedAll <= budgetTokens / 2) return estimated;
  const all = await count(turns);
  if (all === undefined) return estimated;
  if (all <= budgetTokens) return { turns, dropped: 0, fits: true, counted: true };
  let candidate = fitToWindow(turns, Math.floor((budgetTokens * estimatedAll) / all) - systemTokens);
  for (let attempt = 0; attempt < MAX_RECOUNTS && candidate.fits; attempt++) {
    const counted = await count(candidate.turns);
    if (counted === undefined) return estimated;
    if (counted <= budgetTokens) return { ...candidate, counted: true };
    if (candidate.turns.length <= 1) return { ...candidate, fits: false, counted: true };
    candidate = dropOldest(turns, candidate.dropped + 1);
  }
  return estimated;
}

/** The turns from `first` on, starting at a user turn, as `fitToWindow` keeps them. */
function dropOldest(
  turns: ConversationTurn[],
  first: number,
): { turns: ConversationTurn[]; dropped: number; fits: boolean } {
  let start = Math.min(first, turns.length - 1);
  while (start < turns.length - 1 && turns[start]?.role !== 'user') start += 1;
  return { turns: turns.slice(start), dropped: start, fits: true };
}
