import type { ModelFailure } from '../bedrock/errors.js';
import type { CompareOptions } from './parse.js';

/** `timed-out`: still answering at COMPARE_MODEL_TIMEOUT_SECONDS; what arrived is kept, marked partial. */
export type ModelRunStatus = 'waiting' | 'streaming' | 'done' | 'timed-out' | 'failed' | 'skipped';

/** One model's part of a compare, as it stands now. Plain data: it is stored and rendered. */
export interface ModelRun {
  /** Short name people type and read, e.g. `nova-micro`. */
  label: string;
  name: string;
  modelId: string;
  invokeId: string;
  status: ModelRunStatus;
  text: string;
  /** What the user should know about this model for this input (an ignored image, a legacy model…). */
  notes: string[];
  /** Set at planning when the model rejects system prompts, so it is called without one. */
  omitSystemPrompt?: boolean;
  /** Set at planning when the user attached images and this model can see them. */
  seesImages?: boolean;
  stopReason?: string;
  firstTokenMs?: number;
  latencyMs?: number;
  bedrockLatencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  tokensPerSecond?: number;
  /** Undefined while running or when no price is known: shown as "price unknown", never $0. */
  costUsd?: number;
  /** A timed-out model's cost estimated from its partial text (Bedrock sent no usage); shown with ≈. */
  estimatedCostUsd?: number;
  /** The limit a timed-out model ran into. */
  timeoutMs?: number;
  failure?: ModelFailure;
  /** Whether the figures meet the user's --max-latency / --max-cost, when given. */
  withinCriteria?: { latency?: boolean; cost?: boolean };
}

export interface CompareRun {
  id: string;
  teamId: string;
  userId: string;
  prompt: string;
  options: CompareOptions;
  maxTokens: number;
  imageCount: number;
  models: ModelRun[];
  startedAt: number;
  finishedAt?: number;
  /** In blind mode, the requester's verdict; names and figures show once it is given. */
  verdict?: { by: string; verdict: Verdict };
}

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
}

/** The verdict on one compare: the best answer's index, a tie, or none good. */
export type Verdict = number | 'tie' | 'bad';
