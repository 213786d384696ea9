import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Metrics } from '../ops/metrics.js';
import { classifyBedrockError, type ModelFailure } from './errors.js';
import type { PriceBook } from './pricing.js';
import { type ModelEvent, type ModelRequest, streamConverse } from './runtime.js';
import { estimateTokens } from './token-estimate.js';

/** What a model has sent so far. */
export interface AnswerSoFar {
  text: string;
  firstTokenMs?: number;
  stopReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  bedrockLatencyMs?: number;
  /** Input tokens read from and written to the prompt cache, apart from `inputTokens`. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * What arrived before the model ran out of time. Bedrock bills what it generated, but a stream cut
 * short never sends its usage, so the cost is an estimate from the text (never $0).
 */
interface PartialAnswer extends AnswerSoFar {
  timeoutMs: number;
  estimatedCostUsd?: number;
}

export type Answer =
  | (AnswerSoFar & { ok: true; latencyMs: number; costUsd?: number })
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
}

/** Adds one streamed event to the answer so far; the first text fixes the time to first token. */
function absorb(call: Call, soFar: AnswerSoFar, event: ModelEvent): void {
  if (event.type === 'delta') {
    if (soFar.firstTokenMs === undefined) {
      soFar.firstTokenMs = performance.now() - call.started;
      call.deps.metrics.modelFirstToken.observe({ model: call.modelId }, soFar.firstTokenMs / 1000);
    }
    soFar.text += event.text;
  } else if (event.type === 'stop') soFar.stopReason = event.reason;
  else {
    soFar.inputTokens = event.inputTokens;
    soFar.outputTokens = event.outputTokens;
    soFar.bedrockLatencyMs = event.bedrockLatencyMs;
    soFar.cacheReadTokens = event.cacheReadTokens;
    soFar.cacheWriteTokens = event.cacheWriteTokens;
  }
}

function failedAnswer(call: Call, failure: ModelFailure, partial?: PartialAnswer): Answer {
  call.deps.metrics.errors.inc({ where: 'bedrock', kind: failure.kind });
  const latencyMs = performance.now() - call.started;
  return partial ? { ok: false, failure, latencyMs, partial } : { ok: false, failure, latencyMs };
}

/** A timeout keeps what arrived, priced from Bedrock's usage when it came, else estimated from the text. */
function timedOut(call: Call, soFar: AnswerSoFar): Answer {
  const { deps } = call;
  const estimatedCostUsd = deps.prices.cost(
    call.ids,
    soFar.inputTokens ?? estimateTokens(requestText(call.request)),
    soFar.outputTokens ?? estimateTokens(soFar.text),
  );
  return failedAnswer(
    call,
    {
      kind: 'timeout',
      message: `The model ${timedOutAfter(deps.modelTimeoutMs)}, before it finished its answer.`,
    },
    { ...soFar, timeoutMs: deps.modelTimeoutMs, estimatedCostUsd },
  );
}

function finished(call: Call, soFar: AnswerSoFar): Answer {
  const { metrics, prices } = call.deps;
  const labels = { model: call.modelId };
  const latencyMs = performance.now() - call.started;
  metrics.modelLatency.observe(labels, latencyMs / 1000);
  metrics.modelTokens.inc({ ...labels, direction: 'input' }, soFar.inputTokens ?? 0);
  metrics.modelTokens.inc({ ...labels, direction: 'output' }, soFar.outputTokens ?? 0);
  // Without Bedrock's usage figures the price is unknown: never priced as zero tokens.
  const costUsd =
    soFar.inputTokens === undefined || soFar.outputTokens === undefined
      ? undefined
      : prices.cost(call.ids, soFar.inputTokens, soFar.outputTokens, {
          readTokens: soFar.cacheReadTokens ?? 0,
          writeTokens: soFar.cacheWriteTokens ?? 0,
        });
  return { ...soFar, ok: true, latencyMs, costUsd };
}

/**
 * One model's streamed answer, timed, priced and counted in the metrics, with failures turned into
 * words. A timeout is a failure however the stream ends: an aborted stream may end quietly rather
 * than throw, so the signal is checked after the loop too, and what arrived is kept as partial.
 * `onProgress` sees the answer after each event; compare and chat decide how often Slack shows it.
 */
export async function streamAnswer(
  deps: AnswerDeps,
  model: { modelId: string; invokeId: string },
  request: Omit<ModelRequest, 'invokeId'>,
  onProgress: (soFar: AnswerSoFar) => void,
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
    for await (const event of streamConverse(
      deps.runtime,
      { ...request, invokeId: model.invokeId },
      timeout,
    )) {
      absorb(call, soFar, event);
      onProgress(soFar);
    }
  } catch (error) {
    return timeout.aborted ? timedOut(call, soFar) : failedAnswer(call, classifyBedrockError(error));
  }
  return timeout.aborted ? timedOut(call, soFar) : finished(call, soFar);
}
