import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Metrics } from '../ops/metrics.js';
import { classifyBedrockError, type ModelFailure, STOPPED_BY_PERSON } from './errors.js';
import type { PriceBook } from './pricing.js';
import { type ModelEvent, type ModelRequest, streamConverse } from './runtime.js';
import { estimateTokens } from './token-estimate.js';

/** What a model has sent so far. */
export interface AnswerSoFar {
  /** The answer alone: reasoning never enters it. */
  text: string;
  /** The model's reasoning as it streamed, kept apart (Nova 2 Lite sends `[REDACTED]` in its place). */
  reasoning?: string;
  /** Claude's signature over its thinking: what lets a thread hand the thinking back. */
  reasoningSignature?: string;
  /** Claude's redacted thinking, base64, handed back in a thread as it came. */
  redactedReasoning?: string[];
  /** Time to the first token of anything, reasoning included. */
  firstTokenMs?: number;
  /** Time to the first token of the answer itself. */
  firstAnswerTokenMs?: number;
  /** From the first piece of reasoning to the first answer token (or to now, while still thinking). */
  thinkingMs?: number;
  stopReason?: string;
  inputTokens?: number;
  /** Bedrock's output count: the answer and the reasoning together, as billed. */
  outputTokens?: number;
  bedrockLatencyMs?: number;
  /** The service tier Bedrock says served the call. */
  servedTier?: string;
  /** Input tokens read from and written to the prompt cache, apart from `inputTokens`. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * How the billed output divides into reasoning and answer. Bedrock's usage gives one output count
 * for both, so the split is estimated from the lengths of the two texts (a redacted thought from
 * its bytes) and always labelled ≈; the two parts add up to Bedrock's own count.
 */
interface OutputSplit {
  answerTokens: number;
  reasoningTokens: number;
  estimated: boolean;
}

function splitOutput(soFar: AnswerSoFar, outputTokens: number): OutputSplit {
  const redactedChars = (soFar.redactedReasoning ?? []).reduce((sum, blob) => sum + blob.length, 0);
  const reasoningEstimate = estimateTokens(soFar.reasoning ?? '') + Math.ceil(redactedChars / 4);
  if (reasoningEstimate === 0) return { answerTokens: outputTokens, reasoningTokens: 0, estimated: false };
  const answerEstimate = estimateTokens(soFar.text);
  const reasoningTokens = Math.round(
    (outputTokens * reasoningEstimate) / (reasoningEstimate + answerEstimate),
  );
  return { answerTokens: outputTokens - reasoningTokens, reasoningTokens, estimated: true };
}

/**
 * What arrived before the answer was cut short: at the time limit (`timeoutMs`), or by the person
 * who asked (failure `stopped`), either way ending the call so Bedrock generates no more. Bedrock
 * bills what it generated, but a stream cut short never sends its usage, so the tokens and the cost
 * are estimated from the texts (never $0).
 */
export interface PartialAnswer extends AnswerSoFar {
  /** Set when the time limit cut it short. */
  timeoutMs?: number;
  estimatedTokens: { input: number; output: number };
  estimatedCostUsd?: number;
}

export type Answer =
  | (AnswerSoFar & {
      ok: true;
      latencyMs: number;
      costUsd?: number;
      /** Set once Bedrock's usage arrived. */
      split?: OutputSplit;
      /** The reasoning's share of `costUsd`. */
      reasoningCostUsd?: number;
    })
  | { ok: false; failure: ModelFailure; latencyMs: number; partial?: PartialAnswer };

export interface AnswerDeps {
  runtime: BedrockRuntimeClient;
  metrics: Metrics;
  prices: PriceBook;
  modelTimeoutMs: number;
}

/** "timed out after 4 s": how compare and chat name a timeout. */
export const timedOutAfter = (ms: number) => `timed out after ${Number((ms / 1000).toFixed(1))} s`;

function requestText(request: Omit<ModelRequest, 'invokeId'>): string {
  const parts = request.messages.flatMap((message) =>
    message.content.map((block) => ('text' in block && typeof block.text === 'string' ? block.text : '')),
  );
  return [request.system ?? '', ...parts].join('');
}

/** One model call as the figures of its answer need it: what was asked, of which IDs, since when. */
interface Call {
  deps: AnswerDeps;
  modelId: string;
  /** The invoked ID first (a profile may be priced apart), then the model's. */
  ids: string[];
  request: Omit<ModelRequest, 'invokeId'>;
  started: number;
  /** When the first piece of reasoning arrived, on the same clock as `started`. */
  reasoningStarted?: number;
}

/** The first token of anything fixes the time to first token. */
function firstToken(call: Call, soFar: AnswerSoFar, now: number): void {
  if (soFar.firstTokenMs !== undefined) return;
  soFar.firstTokenMs = now - call.started;
  call.deps.metrics.modelFirstToken.observe({ model: call.modelId }, soFar.firstTokenMs / 1000);
}

/**
 * Adds one streamed event to the answer so far. Reasoning is kept apart from the answer's text; the
 * thinking time runs from its first piece until the first answer token.
 */
function absorb(call: Call, soFar: AnswerSoFar, event: ModelEvent): void {
  const now = performance.now();
  if (event.type === 'delta') {
    firstToken(call, soFar, now);
    if (soFar.firstAnswerTokenMs === undefined) {
      soFar.firstAnswerTokenMs = now - call.started;
      if (call.reasoningStarted !== undefined) soFar.thinkingMs = now - call.reasoningStarted;
    }
    soFar.text += event.text;
  } else if (event.type === 'reasoning') {
    firstToken(call, soFar, now);
    call.reasoningStarted ??= now;
    if (soFar.firstAnswerTokenMs === undefined) soFar.thinkingMs = now - call.reasoningStarted;
    if (event.text) soFar.reasoning = (soFar.reasoning ?? '') + event.text;
    if (event.signature) soFar.reasoningSignature = (soFar.reasoningSignature ?? '') + event.signature;
    if (event.redacted) {
      soFar.redactedReasoning = [
        ...(soFar.redactedReasoning ?? []),
        Buffer.from(event.redacted).toString('base64'),
      ];
    }
  } else if (event.type === 'stop') soFar.stopReason = event.reason;
  else {
    soFar.inputTokens = event.inputTokens;
    soFar.outputTokens = event.outputTokens;
    soFar.bedrockLatencyMs = event.bedrockLatencyMs;
    if (event.servedTier) soFar.servedTier = event.servedTier;
    soFar.cacheReadTokens = event.cacheReadTokens;
    soFar.cacheWriteTokens = event.cacheWriteTokens;
  }
}

function failedAnswer(call: Call, failure: ModelFailure, partial?: PartialAnswer): Answer {
  call.deps.metrics.errors.inc({ where: 'bedrock', kind: failure.kind });
  const latencyMs = performance.now() - call.started;
  return partial ? { ok: false, failure, latencyMs, partial } : { ok: false, failure, latencyMs };
}

/** What a call cut short has cost: Bedrock's usage when it came, else estimated from the texts. */
function estimate(
  call: Call,
  soFar: AnswerSoFar,
): Pick<PartialAnswer, 'estimatedTokens' | 'estimatedCostUsd'> {
  const input = soFar.inputTokens ?? estimateTokens(requestText(call.request));
  const output = soFar.outputTokens ?? estimateTokens(soFar.text) + estimateTokens(soFar.reasoning ?? '');
  const { prices } = call.deps;
  return {
    estimatedTokens: { input, output },
    estimatedCostUsd: prices.cost(call.ids, input, output, undefined, call.request.serviceTier),
  };
}

/** A timeout keeps what arrived, priced from Bedrock's usage when it came, else estimated from the text. */
function timedOut(call: Call, soFar: AnswerSoFar): Answer {
  const { deps } = call;
  return failedAnswer(
    call,
    {
      kind: 'timeout',
      message: `The model ${timedOutAfter(deps.modelTimeoutMs)}, before it finished its answer.`,
    },
    { ...soFar, timeoutMs: deps.modelTimeoutMs, ...estimate(call, soFar) },
  );
}

/** The person who asked stopped it: what arrived is kept, estimated as a timeout's is; no failure counted. */
function stoppedByPerson(call: Call, soFar: AnswerSoFar): Answer {
  return {
    ok: false,
    failure: STOPPED_BY_PERSON,
    latencyMs: performance.now() - call.started,
    partial: { ...soFar, ...estimate(call, soFar) },
  };
}

/**
 * A stream ended from outside: by the person who asked (unless the whole answer, usage and all, had
 * arrived by then), or at the time limit.
 */
function endedEarly(call: Call, soFar: AnswerSoFar, timeout: AbortSignal, stop?: AbortSignal) {
  if (stop?.aborted && soFar.outputTokens === undefined) return stoppedByPerson(call, soFar);
  return timeout.aborted ? timedOut(call, soFar) : undefined;
}

function finished(call: Call, soFar: AnswerSoFar): Answer {
  const { metrics, prices } = call.deps;
  const labels = { model: call.modelId };
  const latencyMs = performance.now() - call.started;
  metrics.modelLatency.observe(labels, latencyMs / 1000);
  metrics.modelTokens.inc({ ...labels, direction: 'input' }, soFar.inputTokens ?? 0);
  metrics.modelTokens.inc({ ...labels, direction: 'output' }, soFar.outputTokens ?? 0);
  // Without Bedrock's usage figures the price is unknown: never priced as zero tokens.
  if (soFar.inputTokens === undefined || soFar.outputTokens === undefined)
    return { ...soFar, ok: true, latencyMs, costUsd: undefined };
  // Priced at the tier that served the call, as Bedrock bills it.
  const tier = soFar.servedTier ?? call.request.serviceTier;
  const cache = { readTokens: soFar.cacheReadTokens ?? 0, writeTokens: soFar.cacheWriteTokens ?? 0 };
  const costUsd = prices.cost(call.ids, soFar.inputTokens, soFar.outputTokens, cache, tier);
  const split = splitOutput(soFar, soFar.outputTokens);
  const reasoningCostUsd =
    split.reasoningTokens > 0 ? prices.cost(call.ids, 0, split.reasoningTokens, undefined, tier) : undefined;
  return { ...soFar, ok: true, latencyMs, costUsd, split, reasoningCostUsd };
}

/**
 * One model's streamed answer, timed, priced and counted in the metrics, with failures turned into
 * words. A timeout is a failure however the stream ends: an aborted stream may end quietly rather
 * than throw, so the signal is checked after the loop too, and what arrived is kept as partial.
 * `stop` ends the call early the same way, for the person who asked. `onProgress` sees the answer
 * after each event; compare and chat decide how often Slack shows it.
 */
export async function streamAnswer(
  deps: AnswerDeps,
  model: { modelId: string; invokeId: string },
  request: Omit<ModelRequest, 'invokeId'>,
  onProgress: (soFar: AnswerSoFar) => void,
  stop?: AbortSignal,
): Promise<Answer> {
  const call: Call = {
    deps,
    modelId: model.modelId,
    ids: [model.invokeId, model.modelId],
    request,
    started: performance.now(),
  };
  const timeout = AbortSignal.timeout(deps.modelTimeoutMs);
  const soFar: AnswerSoFar = { text: '' };
  try {
    await streamConverse(
      deps.runtime,
      { ...request, invokeId: model.invokeId },
      (event) => {
        absorb(call, soFar, event);
        onProgress(soFar);
      },
      stop ? AbortSignal.any([timeout, stop]) : timeout,
    );
  } catch (error) {
    return endedEarly(call, soFar, timeout, stop) ?? failedAnswer(call, classifyBedrockError(error));
  }
  return endedEarly(call, soFar, timeout, stop) ?? finished(call, soFar);
}
