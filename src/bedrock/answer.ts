import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Metrics } from '../ops/metrics.js';
import { classifyBedrockError, type ModelFailure } from './errors.js';
import type { PriceBook } from './pricing.js';
import { type ModelRequest, streamConverse } from './runtime.js';

/** What a model has sent so far. */
export interface AnswerSoFar {
  text: string;
  firstTokenMs?: number;
  stopReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  bedrockLatencyMs?: number;
}

export type Answer =
  | (AnswerSoFar & { ok: true; latencyMs: number; costUsd?: number })
  | { ok: false; failure: ModelFailure; latencyMs: number };

export interface AnswerDeps {
  runtime: BedrockRuntimeClient;
  metrics: Metrics;
  prices: PriceBook;
  modelTimeoutMs: number;
}

/**
 * One model's streamed answer, timed, priced and counted in the metrics, with failures (a timeout
 * included) turned into words. `onProgress` sees the answer after each event; compare and chat
 * decide how often Slack shows it.
 */
export async function streamAnswer(
  deps: AnswerDeps,
  model: { modelId: string; invokeId: string },
  request: Omit<ModelRequest, 'invokeId'>,
  onProgress: (soFar: AnswerSoFar) => void,
): Promise<Answer> {
  const { metrics } = deps;
  const labels = { model: model.modelId };
  const started = performance.now();
  const timeout = AbortSignal.timeout(deps.modelTimeoutMs);
  const soFar: AnswerSoFar = { text: '' };
  try {
    for await (const event of streamConverse(
      deps.runtime,
      { ...request, invokeId: model.invokeId },
      timeout,
    )) {
      if (event.type === 'delta') {
        if (soFar.firstTokenMs === undefined) {
          soFar.firstTokenMs = performance.now() - started;
          metrics.modelFirstToken.observe(labels, soFar.firstTokenMs / 1000);
        }
        soFar.text += event.text;
      } else if (event.type === 'stop') soFar.stopReason = event.reason;
      else {
        soFar.inputTokens = event.inputTokens;
        soFar.outputTokens = event.outputTokens;
        soFar.bedrockLatencyMs = event.bedrockLatencyMs;
      }
      onProgress(soFar);
    }
  } catch (error) {
    const failure = classifyBedrockError(
      timeout.aborted ? Object.assign(new Error('timed out'), { name: 'TimeoutError' }) : error,
    );
    metrics.errors.inc({ where: 'bedrock', kind: failure.kind });
    return { ok: false, failure, latencyMs: performance.now() - started };
  }
  const latencyMs = performance.now() - started;
  const input = soFar.inputTokens ?? 0;
  const output = soFar.outputTokens ?? 0;
  metrics.modelLatency.observe(labels, latencyMs / 1000);
  metrics.modelTokens.inc({ ...labels, direction: 'input' }, input);
  metrics.modelTokens.inc({ ...labels, direction: 'output' }, output);
  const costUsd = deps.prices.cost([model.invokeId, model.modelId], input, output);
  return { ...soFar, ok: true, latencyMs, costUsd };
}
