import type { ServiceTierType } from '@aws-sdk/client-bedrock-runtime';

/** The tiers a person may ask for with `model@tier`; `reserved` needs a reservation made with AWS. */
export type RequestedTier = Extract<ServiceTierType, 'priority' | 'default' | 'flex'>;

const TIER_WORDS: Record<string, RequestedTier> = {
  priority: 'priority',
  flex: 'flex',
  default: 'default',
  standard: 'default',
};

/** `flex`, `priority`, `standard` (Bedrock's `default`) as typed after `@`; anything else is not a tier. */
export function parseTier(word: string): RequestedTier | undefined {
  return TIER_WORDS[word.toLowerCase()];
}

// Source: Amazon Bedrock pricing (aws.amazon.com/bedrock/pricing, on-demand tables per tier, checked
// 2026-12): a Priority token costs the Standard price × 1.75 and a Flex token × 0.5 (gpt-oss-120b:
// $0.15 / $0.60 per million in / out on Standard, $0.2625 / $1.05 on Priority, $0.075 / $0.30 on
// Flex). PRICES_FILE can price a tier outright under `<model id>@flex` / `<model id>@priority`.
const TIER_MULTIPLIERS: Record<string, number> = { priority: 1.75, default: 1, flex: 0.5 };

/** How a tier scales the Standard price; a tier we know no price for is billed as Standard. */
export function tierMultiplier(tier: string | undefined): number {
  return (tier && TIER_MULTIPLIERS[tier]) || 1;
}

// Source: "Service tiers for optimizing performance and cost" in the Bedrock user guide (models and
// Regions supported by the Priority and Flex tiers, checked 2026-12) and the launch note of
// 2025-11-18: gpt-oss-120b / 20b, DeepSeek V3.1, Qwen3 (Coder 480B, Coder 30B, 32B dense,
// 235B-A22B-2507), Nova Pro, Nova Premier and Nova 2 Lite. Every model takes `default`.
const TIERED_MODEL_PREFIXES = [
  'openai.gpt-oss-120b',
  'openai.gpt-oss-20b',
  'deepseek.v3',
  'qwen.qwen3-',
  'amazon.nova-pro',
  'amazon.nova-premier',
  'amazon.nova-2-lite',
];

export function offersTier(modelId: string, tier: RequestedTier): boolean {
  return tier === 'default' || TIERED_MODEL_PREFIXES.some((prefix) => modelId.startsWith(prefix));
}

/** How a tier reads beside a model's name: `gpt-oss-120b@flex`; the default tier adds nothing. */
export function withTier(label: string, tier: string | undefined): string {
  return tier && tier !== 'default' ? `${label}@${tier}` : label;
}
