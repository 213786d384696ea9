import { randomInt, randomUUID } from 'node:crypto';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { streamAnswer } from '../bedrock/answer.js';
import {
  acceptsImages,
  acceptsSystemPrompt,
  Catalog,
  producesText,
  type ResolvedModel,
} from '../bedrock/catalog.js';
import type { ModelFailure } from '../bedrock/errors.js';
import { type Attachment, toMessages } from '../bedrock/messages.js';
import type { PriceBook } from '../bedrock/pricing.js';
import type { Metrics } from '../ops/metrics.js';
import type { CompareRequest } from './request.js';
import type { CompareRuns } from './runs.js';
import type { CompareRun, ModelRun } from './types.js';

export interface CompareInput extends CompareRequest {
  teamId: string;
  userId: string;
  /** Images the user attached; models that cannot see them answer from the text alone, with a note. */
  imageCount?: number;
}

export interface CompareDeps {
  runtime: BedrockRuntimeClient;
  runs: Pick<CompareRuns, 'save'>;
  prices: PriceBook;
  metrics: Metrics;
  modelTimeoutMs: number;
  defaultMaxTokens: number;
  /** How a blind compare orders its answers; random unless a test fixes it. */
  shuffle?: <T>(items: T[]) => T[];
}

/** Fisher–Yates with a cryptographic source: the order of a blind compare must not be guessable. */
export function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

function planModel({ model, invokeId }: ResolvedModel, input: CompareInput): ModelRun {
  const notes: string[] = [];
  const run: ModelRun = {
    label: Catalog.shortName(model),
    name: model.name,
    modelId: model.modelId,
    invokeId,
    status: 'waiting',
    text: '',
    notes,
  };
  if (!producesText(model)) {
    notes.push(
      `${model.name} generates ${model.outputModalities.join(' and ').toLowerCase()}, not text, so it was not asked.`,
    );
    return { ...run, status: 'skipped' };
  }
  if ((input.imageCount ?? 0) > 0) {
    if (acceptsImages(model)) run.seesImages = true;
    else
      notes.push(
        `${model.name} cannot see images: the image was ignored and it answered from the text alone.`,
      );
  }
  if (input.options.system && !acceptsSystemPrompt(model)) {
    notes.push(`${model.name} does not take a system prompt: it answered without it.`);
    run.omitSystemPrompt = true;
  }
  if (model.lifecycle === 'LEGACY') {
    notes.push(`${model.name} is a legacy model that AWS is retiring; consider a newer one.`);
  }
  return run;
}

export class CompareService {
  constructor(private readonly deps: CompareDeps) {}

  /**
   * A run with one waiting part per model and its notes, before any model is called. A blind run's
   * models are shuffled and stored in that order, so its letters say nothing about the order they
   * were named in, and the reveal maps each letter back to its model.
   */
  plan(input: CompareInput): CompareRun {
    const models = input.models.map((model) => planModel(model, input));
    return {
      id: randomUUID(),
      teamId: input.teamId,
      userId: input.userId,
      prompt: input.prompt,
      options: input.options,
      maxTokens: input.options.maxTokens ?? this.deps.defaultMaxTokens,
      imageCount: input.imageCount ?? 0,
      models: input.options.blind ? (this.deps.shuffle ?? shuffled)(models) : models,
      startedAt: Date.now(),
    };
  }

  /**
   * Calls every model at once and resolves when the slowest is done. `onChange` fires after each
   * streamed piece; the caller decides how often to show it.
   */
  async execute(
    run: CompareRun,
    onChange: (run: CompareRun) => void,
    images: Attachment[] = [],
  ): Promise<CompareRun> {
    await this.deps.runs.save(run);
    await Promise.all(
      run.models.map((model) =>
        model.status === 'waiting' ? this.callModel(run, model, onChange, images) : undefined,
      ),
    );
    run.finishedAt = Date.now();
    await this.deps.runs.save(run);
    return run;
  }

  private async callModel(
    run: CompareRun,
    model: ModelRun,
    onChange: (run: CompareRun) => void,
    images: Attachment[],
  ): Promise<void> {
    const answer = await streamAnswer(
      this.deps,
      model,
      {
        messages: toMessages([{ role: 'user', text: run.prompt }], model.seesImages ? images : []),
        system: model.omitSystemPrompt ? undefined : run.options.system,
        maxTokens: run.maxTokens,
        temperature: run.options.temperature,
      },
      (soFar) => {
        // A model ended from outside (the app stopping) keeps that end: a late piece must not revive it.
        if (!isUnfinished(model)) return;
        Object.assign(model, soFar);
        if (soFar.text !== '') model.status = 'streaming';
        onChange(run);
      },
    );
    if (!isUnfinished(model)) return;
    model.latencyMs = answer.latencyMs;
    if (answer.ok) this.finish(run, model, answer.costUsd);
    else if (answer.partial) {
      const { timeoutMs, estimatedCostUsd, ...soFar } = answer.partial;
      Object.assign(model, soFar, { status: 'timed-out', timeoutMs, estimatedCostUsd });
    } else {
      model.status = 'failed';
      model.failure = answer.failure;
    }
    onChange(run);
  }

  private finish(run: CompareRun, model: ModelRun, costUsd: number | undefined): void {
    model.status = 'done';
    const latencyMs = model.latencyMs ?? 0;
    const output = model.outputTokens ?? 0;
    const streamingMs = latencyMs - (model.firstTokenMs ?? 0);
    model.tokensPerSecond = output > 0 && streamingMs > 0 ? output / (streamingMs / 1000) : undefined;
    model.costUsd = costUsd;
    const { maxLatencyMs, maxCostUsd } = run.options;
    if (maxLatencyMs !== undefined || maxCostUsd !== undefined) {
      model.withinCriteria = {
        latency: maxLatencyMs === undefined ? undefined : latencyMs <= maxLatencyMs,
        cost:
          maxCostUsd === undefined || model.costUsd === undefined ? undefined : model.costUsd <= maxCostUsd,
      };
    }
  }
}

const isUnfinished = (model: ModelRun) => model.status === 'waiting' || model.status === 'streaming';

/**
 * Ends every model still waiting or streaming with `failure`, keeping the text that arrived, so a
 * compare cut short (the app stopping, the store going away) is still a finished run.
 */
export function endUnfinished(run: CompareRun, failure: ModelFailure): void {
  const now = Date.now();
  for (const model of run.models) {
    if (!isUnfinished(model)) continue;
    model.status = 'failed';
    model.failure = failure;
    model.latencyMs ??= now - run.startedAt;
  }
  run.finishedAt ??= now;
}
