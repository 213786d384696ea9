/**
 * Context windows in tokens, by model ID prefix; the first match wins, so longer prefixes come first.
 * Bedrock's catalog does not report them. Sources: each provider's model card in the Bedrock user
 * guide ("Supported foundation models") as of 2026-11.
 */
const CONTEXT_WINDOWS: [prefix: string, tokens: number][] = [
  ['amazon.nova-micro', 128_000],
  ['amazon.nova-lite', 300_000],
  ['amazon.nova-pro', 300_000],
  ['amazon.nova-premier', 1_000_000],
  ['amazon.titan-text-premier', 32_000],
  ['amazon.titan-text', 8_000],
  ['anthropic.claude-instant', 100_000],
  ['anthropic.claude', 200_000],
  ['meta.llama3-8b', 8_000],
  ['meta.llama3-70b', 8_000],
  ['meta.llama3', 128_000],
  ['meta.llama4', 1_000_000],
  ['mistral.mistral-large-2402', 32_000],
  ['mistral.mistral-large', 128_000],
  ['mistral.', 32_000],
  ['cohere.command-r', 128_000],
  ['ai21.jamba', 256_000],
  ['deepseek.', 128_000],
];

/** What a model we know nothing about is assumed to take: small enough to be safe for most. */
const UNKNOWN_WINDOW = 8_000;

export function contextWindowOf(modelId: string): number {
  return CONTEXT_WINDOWS.find(([prefix]) => modelId.startsWith(prefix))?.[1] ?? UNKNOWN_WINDOW;
}
