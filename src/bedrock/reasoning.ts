export const EFFORTS = ['low', 'medium', 'high'] as const;
export type Effort = (typeof EFFORTS)[number];

/** How a family is steered: a token budget for its thinking, an effort level, or not at all. */
type Control =
  | {
      kind: 'budget';
      /** The smallest budget the family takes. */
      minBudget: number;
      /** The budget `--think` gives when none is named (ours: room to think, at a bounded cost). */
      defaultBudget: number;
      /** The most output tokens (thinking and answer together) a model takes, by ID prefix; first match wins. */
      maxOutputTokens: [prefix: string, tokens: number][];
      fields: (budget: number) => Record<string, unknown>;
    }
  | {
      kind: 'effort';
      /** The effort `--think` turns reasoning on at, for a family that reasons only when asked. */
      defaultEffort: Effort;
      fields: (effort: Effort) => Record<string, unknown>;
    }
  | { kind: 'none' };

interface ReasoningFamily {
  name: string;
  /** Model ID prefixes, without a profile's geography. */
  prefixes: string[];
  /** `always`: every answer streams reasoning first; `on-request`: only when turned on. */
  reasons: 'always' | 'on-request';
  control: Control;
  /** With thinking on, the temperature must be left unset (or 1). */
  fixedTemperature?: boolean;
  /** What a thread's history must hand back of an earlier turn's reasoning. */
  history: 'signed-thinking' | 'nothing';
}

/**
 * The reasoning families on Bedrock and how each is steered. Sources (Bedrock user guide, checked
 * 2026-12):
 * - Claude, "Extended thinking": `additionalModelRequestFields.thinking = { type: "enabled",
 *   budget_tokens }`, a budget of at least 1,024 tokens and below max tokens; thinking is not
 *   compatible with temperature, top_p or top_k changes; thinking blocks come back signed, and
 *   handing them back unchanged is what lets the conversation go on (redacted ones included).
 * - OpenAI gpt-oss, "OpenAI models": fields beyond Converse's go in `additionalModelRequestFields`
 *   as in OpenAI's chat completion body, so `reasoning_effort` low | medium | high (medium when
 *   unset); the models always reason.
 * - Amazon Nova 2, "Extended thinking in Amazon Nova 2": off by default, on with
 *   `reasoningConfig = { type: "enabled", maxReasoningEffort: low | medium | high }`; Nova 2 Lite
 *   shows its reasoning as `[REDACTED]` but bills it.
 * - DeepSeek-R1, "DeepSeek models": always reasons, takes no reasoning setting.
 */
const FAMILIES: ReasoningFamily[] = [
  {
    name: 'Claude',
    prefixes: [
      'anthropic.claude-3-7-sonnet',
      'anthropic.claude-sonnet-4',
      'anthropic.claude-opus-4',
      'anthropic.claude-haiku-4',
    ],
    reasons: 'on-request',
    control: {
      kind: 'budget',
      minBudget: 1024,
      defaultBudget: 4096,
      // Each model's card in the Bedrock user guide: Opus 4 and 4.1 write up to 32K tokens, the others 64K.
      maxOutputTokens: [
        ['anthropic.claude-opus-4-1', 32_000],
        ['anthropic.claude-opus-4-2025', 32_000],
        ['anthropic.claude', 64_000],
      ],
      fields: (budget) => ({ thinking: { type: 'enabled', budget_tokens: budget } }),
    },
    fixedTemperature: true,
    history: 'signed-thinking',
  },
  {
    name: 'gpt-oss',
    prefixes: ['openai.gpt-oss'],
    reasons: 'always',
    control: { kind: 'effort', defaultEffort: 'medium', fields: (effort) => ({ reasoning_effort: effort }) },
    history: 'nothing',
  },
  {
    name: 'Nova 2',
    prefixes: ['amazon.nova-2'],
    reasons: 'on-request',
    control: {
      kind: 'effort',
      defaultEffort: 'medium',
      fields: (effort) => ({ reasoningConfig: { type: 'enabled', maxReasoningEffort: effort } }),
    },
    history: 'nothing',
  },
  {
    name: 'DeepSeek-R1',
    prefixes: ['deepseek.r1'],
    reasons: 'always',
    control: { kind: 'none' },
    history: 'nothing',
  },
];

const bare = (modelId: string) => modelId.replace(/^(us|eu|apac|global|us-gov)\./, '');

function reasoningFamilyOf(modelId: string): ReasoningFamily | undefined {
  const id = bare(modelId);
  return FAMILIES.find((family) => family.prefixes.some((prefix) => id.startsWith(prefix)));
}

/** The smallest `--think` budget any family takes, for the parser's first check. */
export const MIN_THINKING_BUDGET = Math.min(
  ...FAMILIES.flatMap((family) => (family.control.kind === 'budget' ? [family.control.minBudget] : [])),
);

/** What a compare or thread asks of reasoning: `--think [budget]`, `--effort`. */
export interface ReasoningAsk {
  think?: { budget?: number };
  effort?: Effort;
}

/** How one model is called for that ask: its own fields, its max tokens, and what it was told. */
export interface ReasoningPlan {
  fields?: Record<string, unknown>;
  maxTokens: number;
  /** The model thinks only at its own temperature: the compare's is not sent to it. */
  omitTemperature: boolean;
  notes: string[];
  /** A limit the ask breaks for this model, named, before any call. */
  problem?: string;
}

/**
 * Turns `--think` / `--effort` into one model's request. A model that takes neither gets a note,
 * never an error; a budget outside the family's limits is a problem named before any call. With a
 * budget and no `--max-tokens`, max tokens grows by the budget so the answer keeps its usual room.
 */
export function planReasoning(
  model: { modelId: string; name: string },
  ask: ReasoningAsk,
  limits: { maxTokens: number; maxTokensGiven: boolean; temperature?: number },
): ReasoningPlan {
  const family = reasoningFamilyOf(model.modelId);
  const plan: ReasoningPlan = { maxTokens: limits.maxTokens, omitTemperature: false, notes: [] };
  if (!ask.think && !ask.effort) return plan;
  const control = family?.control ?? { kind: 'none' as const };
  if (control.kind === 'none') {
    plan.notes.push(
      family
        ? `${model.name} always reasons and takes no reasoning setting: it ran as it does by default.`
        : `${model.name} does not reason step by step on Bedrock: ${ask.think ? '--think' : '--effort'} did not apply to it.`,
    );
    return plan;
  }
  if (control.kind === 'budget') {
    if (ask.effort && !ask.think) {
      plan.notes.push(
        `${model.name} takes a thinking budget, not an effort level: it ran without extended thinking (use --think).`,
      );
      return plan;
    }
    const budget = ask.think?.budget ?? control.defaultBudget;
    if (budget < control.minBudget) {
      plan.problem = `${model.name} takes a thinking budget of at least ${control.minBudget.toLocaleString('en-US')} tokens; --think ${budget} is below it.`;
      return plan;
    }
    const ceiling =
      control.maxOutputTokens.find(([prefix]) => bare(model.modelId).startsWith(prefix))?.[1] ??
      Number.POSITIVE_INFINITY;
    if (budget >= ceiling) {
      plan.problem = `${model.name} writes at most ${ceiling.toLocaleString('en-US')} tokens, thinking included: --think ${budget} leaves no room for an answer.`;
      return plan;
    }
    if (limits.maxTokensGiven && budget >= limits.maxTokens) {
      plan.problem = `${model.name}’s thinking budget must be below max tokens: --think ${budget} with --max-tokens ${limits.maxTokens}. Raise --max-tokens above ${budget}, or leave it out.`;
      return plan;
    }
    plan.fields = control.fields(budget);
    if (!limits.maxTokensGiven) {
      plan.maxTokens = Math.min(limits.maxTokens + budget, ceiling);
      const tokens = (count: number) => count.toLocaleString('en-US');
      plan.notes.push(
        `${model.name} ran with max tokens ${tokens(plan.maxTokens)}: its ${tokens(budget)}-token thinking budget on top of the answer’s ${tokens(plan.maxTokens - budget)}.`,
      );
    }
    if (family?.fixedTemperature && limits.temperature !== undefined && limits.temperature !== 1) {
      plan.omitTemperature = true;
      plan.notes.push(
        `${model.name} thinks only at its own temperature: it ran without --temperature ${limits.temperature}.`,
      );
    }
    if (ask.effort)
      plan.notes.push(
        `${model.name} takes a thinking budget, not an effort level: --effort did not apply to it.`,
      );
    return plan;
  }
  const effort = ask.effort ?? control.defaultEffort;
  plan.fields = control.fields(effort);
  if (ask.think && !ask.effort) {
    plan.notes.push(
      `${model.name} takes an effort level, not a thinking budget: it reasoned at ${effort} effort (use --effort to choose).`,
    );
  }
  return plan;
}

/** True when a thread must hand this family's signed thinking back with its answers. */
export function keepsSignedThinking(modelId: string): boolean {
  return reasoningFamilyOf(modelId)?.history === 'signed-thinking';
}

/** Whether the model takes a `--think` budget. */
export function takesBudget(modelId: string): boolean {
  return reasoningFamilyOf(modelId)?.control.kind === 'budget';
}

/** Whether the model takes `--effort` (for the check that at least one model of a compare does). */
export function takesEffort(modelId: string): boolean {
  return reasoningFamilyOf(modelId)?.control.kind === 'effort';
}
