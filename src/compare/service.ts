import { randomInt, randomUUID } from 'node:crypto';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { type Answer, type AnswerSoFar, streamAnswer } from '../bedrock/answer.js';
import { acceptsImages, acceptsSystemPrompt, Catalog, producesText } from '../bedrock/catalog.js';
import type { ModelFailure } from '../bedrock/errors.js';
import { type Attachment, toMessages } from '../bedrock/messages.js';
import type { PriceBook } from '../bedrock/pricing.js';
import { planReasoning } from '../bedrock/reasoning.js';
import { withTier } from '../bedrock/service-tiers.js';
import type { Metrics } from '../ops/metrics.js';
import type { CompareRequest, RequestedModel } from './request.js';
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

function planModel(
  { model, invokeId, serviceTier }: RequestedModel,
  input: CompareInput,
  maxTokens: number,
): ModelRun {
  const notes: string[] = [];
  const run: ModelRun = {
    // A custom model is invoked by its ARN and shares its base's family: its own name tells them apart.
    label: withTier(invokeId.startsWith('arn:') ? model.name : Catalog.shortName(model), serviceTier),
    name: model.name,
    modelId: model.modelId,
    invokeId,
    status: 'waiting',
    text: '',
    notes,
    ...(serviceTier ? { serviceTier } : {}),
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
  const reasoning = planReasoning(model, input.options, {
    maxTokens,
    maxTokensGiven: input.options.maxTokensGiven ?? false,
    temperature: input.options.temperature,
  });
  notes.push(...reasoning.notes);
  if (reasoning.fields) run.modelFields = reasoning.fields;
  if (reasoning.maxTokens !== maxTokens) run.maxTokens = reasoning.maxTokens;
  if (reasoning.omitTemperature) run.omitTemperature = true;
  return run;
}

/**
 * Copies what a compare keeps of the answer so far onto the model (Claude's signature and redacted
 * bytes are for threads only), the defined figures only, so a stored run has no `undefined` fields.
 * It runs for every streamed event, so it allocates nothing.
 */
function takeProgress(model: ModelRun, soFar: AnswerSoFar): void {
  model.text = soFar.text;
  if (soFar.reasoning !== undefined) model.reasoning = soFar.reasoning;
  else if (soFar.redactedReasoning) model.reasoning = '';
  if (soFar.redactedReasoning) model.reasoningRedacted = true;
  if (soFar.firstTokenMs !== undefined) model.firstTokenMs = soFar.firstTokenMs;
  if (soFar.firstAnswerTokenMs !== undefined) model.firstAnswerTokenMs = soFar.firstAnswerTokenMs;
  if (soFar.thinkingMs !== undefined) model.thinkingMs = soFar.thinkingMs;
  if (soFar.stopReason !== undefined) model.stopReason = soFar.stopReason;
  if (soFar.inputTokens !== undefined) model.inputTokens = soFar.inputTokens;
  if (soFar.outputTokens !== undefined) model.outputTokens = soFar.outputTokens;
  if (soFar.bedrockLatencyMs !== undefined) model.bedrockLatencyMs = soFar.bedrockLatencyMs;
  if (soFar.servedTier !== undefined) model.servedTier = soFar.servedTier;
}

export class CompareService {
  constructor(private readonly deps: CompareDeps) {}

  /**
   * A run with one waiting part per model and its notes, before any model is called. A blind run's
   * models are shuffled and stored in that order, so its letters say nothing about the order they
   * were named in, and the reveal maps each letter back to its model.
   */
  plan(input: CompareInput): CompareRun {
    const maxTokens = input.options.maxTokens ?? this.deps.defaultMaxTokens;
    const models = input.models.map((model) => planModel(model, input, maxTokens));
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
   * streamed piece; the caller decides how often to show it. `stop` ends every call still running.
   */
  async execute(
    run: CompareRun,
    onChange: (run: CompareRun) => void,
    images: Attachment[] = [],
    stop?: AbortSignal,
  ): Promise<CompareRun> {
    await this.deps.runs.save(run);
    await Promise.all(
      run.models.map((model) =>
        model.status === 'waiting' ? this.callModel(run, model, onChange, images, stop) : undefined,
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
    stop?: AbortSignal,
  ): Promise<void> {
    const answer = await streamAnswer(
      this.deps,
      model,
      {
        messages: toMessages([{ role: 'user', text: run.prompt }], model.seesImages ? images : []),
        system: model.omitSystemPrompt ? undefined : run.options.system,
        maxTokens: model.maxTokens ?? run.maxTokens,
        temperature: model.omitTemperature ? undefined : run.options.temperature,
        additionalModelRequestFields: model.modelFields,
        serviceTier: model.serviceTier,
      },
      (soFar) => {
        // A model ended from outside (the app stopping) keeps that end: a late piece must not revive it.
        if (!isUnfinished(model)) return;
        takeProgress(model, soFar);
        if (soFar.text !== '' || soFar.reasoning !== undefined || soFar.redactedReasoning) {
          model.status = 'streaming';
        }
        onChange(run);
      },
      stop,
    );
    if (!isUnfinished(model)) return;
    model.latencyMs = answer.latencyMs;
    if (answer.ok) this.finish(run, model, answer);
    else if (answer.partial) {
      const { timeoutMs, estimatedCostUsd } = answer.partial;
      takeProgress(model, answer.partial);
      model.status = 'timed-out';
      model.timeoutMs = timeoutMs;
      if (estimatedCostUsd !== undefined) model.estimatedCostUsd = estimatedCostUsd;
    } else {
      model.status = 'failed';
      model.failure = answer.failure;
    }
    onChange(run);
  }

  /**
   * A finished model's figures: tokens/s counts answer tokens over the time the answer streamed, so a
   * model's thinking neither inflates nor slows it.
   */
  private finish(run: CompareRun, model: ModelRun, answer: Extract<Answer, { ok: true }>): void {
    model.status = 'done';
    const latencyMs = model.latencyMs ?? 0;
    if (answer.split) {
      model.answerTokens = answer.split.answerTokens;
      if (answer.split.reasoningTokens > 0) model.reasoningTokens = answer.split.reasoningTokens;
      if (answer.split.estimated) model.tokensEstimated = true;
    }
    if (answer.reasoningCostUsd !== undefined) model.reasoningCostUsd = answer.reasoningCostUsd;
    const output = model.answerTokens ?? model.outputTokens ?? 0;
    const streamingMs = latencyMs - (model.firstAnswerTokenMs ?? model.firstTokenMs ?? 0);
    model.tokensPerSecond = output > 0 && streamingMs > 0 ? output / (streamingMs / 1000) : undefined;
    model.costUsd = answer.costUsd;
    // Bedrock says which tier served the call; where that is not the one asked for, the price follows it.
    const asked = model.serviceTier ?? 'default';
    if (answer.servedTier && answer.servedTier !== asked) {
      model.notes.push(
        `Bedrock served ${model.name} on the ${answer.servedTier} tier, not ${asked}: it is priced at ${answer.servedTier}.`,
      );
    }
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
