import { z } from 'zod';
import { FAILURE_KINDS } from '../bedrock/errors.js';
import { EFFORTS } from '../bedrock/reasoning.js';

// A compare run is stored for a week and read back by every button on its message, so its shape is
// a schema: a stored run that no longer fits it reads as missing instead of being trusted.

const compareOptionsSchema = z.object({
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(1).optional(),
  system: z.string().optional(),
  blind: z.boolean(),
  /** `--arena`: blind, and everyone in the channel votes once (tie and all bad included) for the ratings. */
  arena: z.boolean().optional(),
  maxLatencyMs: z.number().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
  /** `--think [budget]`: extended thinking for the models that take a budget. */
  think: z.object({ budget: z.number().int().positive().optional() }).optional(),
  /** `--effort`: the reasoning effort of the models that take one. */
  effort: z.enum(EFFORTS).optional(),
  /** Whether `--max-tokens` was given (a thinking budget then comes out of it rather than on top). */
  maxTokensGiven: z.boolean().optional(),
});

export type CompareOptions = z.infer<typeof compareOptionsSchema>;

const modelFailureSchema = z.object({
  kind: z.enum(FAILURE_KINDS),
  message: z.string(),
  detail: z.string().optional(),
});

const modelRunSchema = z.object({
  /** Short name people type and read, e.g. `nova-micro`. */
  label: z.string(),
  name: z.string(),
  modelId: z.string(),
  invokeId: z.string(),
  /** `timed-out`: still answering at COMPARE_MODEL_TIMEOUT_SECONDS; what arrived is kept, marked partial. */
  status: z.enum(['waiting', 'streaming', 'done', 'timed-out', 'failed', 'skipped']),
  text: z.string(),
  /** What the user should know about this model for this input (an ignored image, a legacy model…). */
  notes: z.array(z.string()),
  /** Set at planning when the model rejects system prompts, so it is called without one. */
  omitSystemPrompt: z.boolean().optional(),
  /** Set at planning when the user attached images and this model can see them. */
  seesImages: z.boolean().optional(),
  stopReason: z.string().optional(),
  firstTokenMs: z.number().optional(),
  latencyMs: z.number().optional(),
  bedrockLatencyMs: z.number().optional(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  tokensPerSecond: z.number().optional(),
  /** Undefined while running or when no price is known: shown as "price unknown", never $0. */
  costUsd: z.number().optional(),
  /** A timed-out model's cost estimated from its partial text (Bedrock sent no usage); shown with ≈. */
  estimatedCostUsd: z.number().optional(),
  /** The limit a timed-out model ran into. */
  timeoutMs: z.number().optional(),
  failure: modelFailureSchema.optional(),
  /** The service tier asked for (`model@flex`); unset is the default tier. */
  serviceTier: z.enum(['priority', 'default', 'flex']).optional(),
  /** The tier Bedrock says served it. */
  servedTier: z.string().optional(),
  /** Set at planning from --think / --effort: the family's own request fields, its max tokens. */
  modelFields: z.record(z.string(), z.unknown()).optional(),
  maxTokens: z.number().optional(),
  /** Set at planning when the model thinks only at its own temperature. */
  omitTemperature: z.boolean().optional(),
  /** The reasoning, kept apart from the answer (`[REDACTED]` where the model hides it). */
  reasoning: z.string().optional(),
  /** Whether some of the reasoning came as redacted bytes only. */
  reasoningRedacted: z.boolean().optional(),
  firstAnswerTokenMs: z.number().optional(),
  thinkingMs: z.number().optional(),
  /** The billed output split into answer and reasoning; estimated (≈) when both are there. */
  answerTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
  tokensEstimated: z.boolean().optional(),
  reasoningCostUsd: z.number().optional(),
  /** Whether the figures meet the user's --max-latency / --max-cost, when given. */
  withinCriteria: z.object({ latency: z.boolean().optional(), cost: z.boolean().optional() }).optional(),
});

/** One model's part of a compare, as it stands now. Plain data: it is stored and rendered. */
export type ModelRun = z.infer<typeof modelRunSchema>;

/** The verdict on one compare: the best answer's index, a tie, or none good. */
const verdictSchema = z.union([z.number().int().nonnegative(), z.literal('tie'), z.literal('bad')]);

export type Verdict = z.infer<typeof verdictSchema>;

export const compareRunSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  userId: z.string(),
  prompt: z.string(),
  options: compareOptionsSchema,
  maxTokens: z.number(),
  imageCount: z.number(),
  models: z.array(modelRunSchema),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  /** In blind mode, the requester's verdict; names and figures show once it is given. */
  verdict: z.object({ by: z.string(), verdict: verdictSchema }).optional(),
});

export type CompareRun = z.infer<typeof compareRunSchema>;

export interface CompareSummary {
  fastestFirstToken?: ModelRun;
  fastestOverall?: ModelRun;
  cheapest?: ModelRun;
  longest?: ModelRun;
  /** Known prices plus the estimates of timed-out models. */
  totalCostUsd: number;
  /** True when the total includes an estimate. */
  costEstimated: boolean;
  /** True when some model that ran has no known price, so the total is a lower bound. */
  costIncomplete: boolean;
  /** The models that ran through a Provisioned Throughput: billed by the hour, left out of the total. */
  billedHourly: ModelRun[];
}
