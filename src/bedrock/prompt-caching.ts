import type { ChatMessage } from './runtime.js';

/**
 * Which models take `cachePoint` blocks in Converse, and the smallest prefix each caches. A checkpoint
 * before the minimum is accepted but caches nothing; a `cachePoint` sent to a model not listed is
 * refused. Matched by foundation-model ID prefix (a `us.`/`global.` profile is matched without its
 * geography); the first match wins, so longer prefixes come first.
 *
 * Source: Amazon Bedrock user guide, "Prompt caching for faster model inference", table "Supported
 * models, Regions, and limits" (checked 2026-12): at most 4 checkpoints a request; Claude caches
 * system, messages and tools, Nova system and messages.
 */
export interface PromptCaching {
  /** Tokens the prompt must reach at a checkpoint for it to be cached. */
  minTokens: number;
}

export const MAX_CACHE_POINTS = 4;

const PROMPT_CACHING: [prefix: string, caching: PromptCaching][] = [
  ['anthropic.claude-3-7-sonnet', { minTokens: 1_024 }],
  ['anthropic.claude-3-5-haiku', { minTokens: 2_048 }],
  ['anthropic.claude-haiku-4-5', { minTokens: 4_096 }],
  ['anthropic.claude-opus-4-5', { minTokens: 4_096 }],
  ['anthropic.claude-opus-4-6', { minTokens: 4_096 }],
  ['anthropic.claude-opus-4', { minTokens: 1_024 }],
  ['anthropic.claude-sonnet-4', { minTokens: 1_024 }],
  ['amazon.nova-micro', { minTokens: 1_000 }],
  ['amazon.nova-lite', { minTokens: 1_000 }],
  ['amazon.nova-pro', { minTokens: 1_000 }],
  ['amazon.nova-premier', { minTokens: 1_000 }],
  ['amazon.nova-2-lite', { minTokens: 1_000 }],
];

/** `us.anthropic.claude-…` → `anthropic.claude-…`: capabilities belong to the model, not the route. */
export const withoutGeography = (modelId: string) => modelId.replace(/^(us|eu|apac|jp|au|global)\./, '');

/** The model's prompt caching, or undefined when it takes no `cachePoint`. */
export function promptCachingOf(modelId: string): PromptCaching | undefined {
  const bare = withoutGeography(modelId);
  return PROMPT_CACHING.find(([prefix]) => bare.startsWith(prefix))?.[1];
}

/**
 * Marks the stable part of a thread for the prompt cache: a `cachePoint` after the answer before the
 * newest question (written now, read next turn) and after the answer before that (read now, as the
 * last turn wrote it). With the system prompt's, three of the four checkpoints Bedrock allows.
 */
export function markStableHistory(messages: ChatMessage[]): ChatMessage[] {
  // Bedrock refuses a cache point right after a reasoning block ("Cache point cannot be inserted after
  // reasoning block"), so an answer that ends in one is not marked.
  const endsInReasoning = (message: ChatMessage) => {
    const last = message.content.at(-1);
    return last !== undefined && 'reasoningContent' in last && last.reasoningContent !== undefined;
  };
  const answers = messages.flatMap((message, index) =>
    message.role === 'assistant' && index < messages.length - 1 && !endsInReasoning(message) ? [index] : [],
  );
  const marked = new Set(answers.slice(-2));
  return messages.map((message, index) =>
    marked.has(index)
      ? { ...message, content: [...message.content, { cachePoint: { type: 'default' } }] }
      : message,
  );
}
