import { type BedrockRuntimeClient, CountTokensCommand } from '@aws-sdk/client-bedrock-runtime';
import { withoutGeography } from './prompt-caching.js';
import type { ChatMessage } from './runtime.js';

/**
 * Models Bedrock's CountTokens answers for, by foundation-model ID prefix. CountTokens takes the
 * model's own ID, not an inference profile's (`us.…` is refused as an invalid identifier), and
 * answers ValidationException "The provided model doesn't support counting tokens." for the others.
 *
 * Source: Amazon Bedrock user guide, "Count tokens in a message before running inference",
 * supported models (checked 2026-12); API reference, CountTokens.
 */
const COUNTS_TOKENS = [
  'anthropic.claude-3-5-haiku',
  'anthropic.claude-3-5-sonnet',
  'anthropic.claude-3-7-sonnet',
  'anthropic.claude-sonnet-4',
  'anthropic.claude-opus-4',
  'anthropic.claude-haiku-4-5',
];

export function countsTokens(modelId: string): boolean {
  const bare = withoutGeography(modelId);
  return COUNTS_TOKENS.some((prefix) => bare.startsWith(prefix));
}

/**
 * Input tokens of a Converse request as Bedrock counts them, or undefined when it cannot tell (a model
 * without CountTokens, or a failed call): the caller falls back to an estimate. A model Bedrock says
 * cannot count is remembered, so it is not asked again.
 */
export class TokenCounter {
  private readonly refused = new Set<string>();
  /** The role may not call CountTokens (no bedrock:CountTokens): estimates from then on. */
  private denied = false;

  constructor(private readonly runtime: BedrockRuntimeClient) {}

  async count(
    modelId: string,
    request: { messages: ChatMessage[]; system?: string },
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    const bare = withoutGeography(modelId);
    if (this.denied || !countsTokens(bare) || this.refused.has(bare)) return undefined;
    try {
      const answer = await this.runtime.send(
        new CountTokensCommand({
          modelId: bare,
          input: {
            converse: {
              messages: request.messages,
              system: request.system ? [{ text: request.system }] : undefined,
            },
          },
        }),
        { abortSignal: signal },
      );
      return answer.inputTokens;
    } catch (error) {
      if (error instanceof Error && /support counting tokens/i.test(error.message)) this.refused.add(bare);
      if (error instanceof Error && error.name === 'AccessDeniedException') this.denied = true;
      return undefined;
    }
  }
}
