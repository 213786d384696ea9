import { type Catalog, producesText, type ResolvedModel } from '../bedrock/catalog.js';
import { planReasoning, takesEffort } from '../bedrock/reasoning.js';
import { offersTier, parseTier, type RequestedTier } from '../bedrock/service-tiers.js';
import type { ChannelDefaults } from '../defaults/channel-settings.js';
import { failed, ok, type Problem, problem, type Result } from '../result.js';
import type { PreferenceStore } from '../store/types.js';
import { modelCountProblem } from './model-count.js';
import type { CompareCommand, WordKind } from './parse.js';
import type { CompareOptions, CompareRun } from './types.js';

/** A model as a compare calls it: resolved, on the service tier asked for (`gpt-oss-120b@flex`). */
export type RequestedModel = ResolvedModel & { serviceTier?: RequestedTier };

/** What one compare asks: the models, each resolved to what is invoked, the prompt and the options. */
export interface CompareRequest {
  models: RequestedModel[];
  prompt: string;
  options: CompareOptions;
}

/**
 * Why a request cannot run. A model the catalog does not know, or one that makes no text, gets the
 * shared wording the chat uses too; anything else is a `Problem`.
 */
export type RequestProblem =
  | Problem
  | { kind: 'unknown-model'; word: string; suggestions: string[]; known: string[] }
  | { kind: 'no-text'; name: string; outputModalities: string[] };

/** Who asks, for their saved set of models, and where (a channel may have a set of its own). */
export interface Asker {
  teamId: string;
  userId: string;
  channelId?: string;
}

// Shaped like a model name (`nova-mikro`, `anthropic.claude-x`), so a typo is reported, not sent as prose.
const MODEL_SHAPED = /^[a-z0-9]+(?:[.:_-][a-z0-9]+)+$/i;
// Only a model ID looks like this: a Bedrock provider's prefix, or a version suffix (`-v2`, `-v1:0`).
// Other dotted words (`node.js`, `3.5`) stay prose.
const MODEL_ID_SHAPED =
  /^(?:(?:us|eu|apac|global)\.)?(?:amazon|anthropic|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|stability|luma|twelvelabs)\.|-v\d+(?::\d+)*$/i;

/** How a word before the prompt reads, for `parseCompareText`: a model, a misspelt model, or prose. */
export function classifyWord(catalog: Catalog, word: string): WordKind {
  // `model@tier`: the tier is checked when the request is interpreted, with its own message.
  const [name = word, tier] = word.split('@');
  if (tier !== undefined && name !== '') return classifyWord(catalog, name);
  if (catalog.isModel(word)) return 'model';
  if (!MODEL_SHAPED.test(word)) return 'text';
  return MODEL_ID_SHAPED.test(word) || catalog.suggest(word.toLowerCase()).length > 0
    ? 'unknown-model'
    : 'text';
}

function unknownModel(catalog: Catalog, word: string, suggestions: string[]): RequestProblem {
  return {
    kind: 'unknown-model',
    word,
    suggestions,
    known: suggestions.length ? [] : catalog.exampleNames(4),
  };
}

/**
 * `--think` / `--effort` asking what no model of the compare can do, or a budget breaking a model's
 * limit: said before any call. A model that takes neither, beside ones that do, only gets a note.
 */
export function reasoningProblem(models: RequestedModel[], options: CompareOptions): Problem | undefined {
  if (options.effort && !models.some(({ model }) => takesEffort(model.modelId))) {
    return problem(
      'invalid',
      `None of these models takes a reasoning effort: --effort is for gpt-oss and Nova 2. For Claude, use --think [budget].`,
    );
  }
  for (const { model } of models) {
    const plan = planReasoning(model, options, {
      maxTokens: options.maxTokens ?? 0,
      maxTokensGiven: options.maxTokensGiven ?? false,
    });
    if (plan.problem) return problem('invalid', plan.problem);
  }
  return undefined;
}

/** Turns what a person asked for into a compare: which models, resolved, deduplicated and counted. */
export class CompareRequests {
  constructor(
    private readonly deps: {
      preferences: PreferenceStore;
      /** The channel's settings, where its members set them. */
      channels: Pick<ChannelDefaults, 'of'>;
      /** The workspace's set, for someone who saved none where the channel has none either. */
      defaultModels: string[];
      maxModels: number;
    },
  ) {}

  /**
   * The names a compare uses when none are given: the person's saved set, else the channel's, else
   * the workspace's.
   */
  async savedSet(asker: Asker): Promise<string[]> {
    const [preferences, channel] = await Promise.all([
      this.deps.preferences.getPreferences(asker.teamId, asker.userId),
      this.deps.channels.of(asker.teamId, asker.channelId),
    ]);
    if (preferences.compareModels?.length) return preferences.compareModels;
    return channel?.compareModels?.length ? channel.compareModels : this.deps.defaultModels;
  }

  /**
   * `request` with the channel's system prompt when it names none (the command line's and the form's
   * alike), if the channel's members set one.
   */
  async withChannelSystem(request: CompareRequest, asker: Asker): Promise<CompareRequest> {
    if (request.options.system) return request;
    const system = (await this.deps.channels.of(asker.teamId, asker.channelId))?.systemPrompt;
    return system ? { ...request, options: { ...request.options, system } } : request;
  }

  async saveSet(asker: Asker, models: ResolvedModel[]): Promise<void> {
    await this.deps.preferences.setPreferences(asker.teamId, asker.userId, {
      compareModels: models.map(({ model }) => model.modelId),
    });
  }

  /** A parsed `/compare` that asks for a run: its models checked against the catalog and the count rule. */
  async interpret(
    command: Extract<CompareCommand, { kind: 'run' | 'error' | 'unknown-model' }>,
    catalog: Catalog,
    asker: Asker,
  ): Promise<Result<CompareRequest, RequestProblem>> {
    if (command.kind === 'error') return failed(problem('invalid', command.message));
    if (command.kind === 'unknown-model') {
      const name = command.word.split('@')[0] || command.word;
      return failed(unknownModel(catalog, name, catalog.suggest(name.toLowerCase())));
    }
    const names = command.models.length > 0 ? command.models : await this.savedSet(asker);
    const models: RequestedModel[] = [];
    for (const word of names) {
      const [name = word, tierWord] = word.split('@');
      const resolution = catalog.resolve(name);
      if (!resolution.ok) return failed(unknownModel(catalog, name, resolution.suggestions));
      const { model } = resolution.resolved;
      if (!producesText(model)) {
        return failed({ kind: 'no-text', name: model.name, outputModalities: model.outputModalities });
      }
      const tier = tierWord === undefined ? undefined : parseTier(tierWord);
      const tierProblem = tierWord === undefined ? undefined : this.tierProblem(model, tierWord, tier);
      if (tierProblem) return failed(tierProblem);
      const serviceTier = tier === 'default' ? undefined : tier;
      // The same model on two tiers is two contenders; named twice on one tier, it runs once.
      if (
        !models.some(
          (chosen) => chosen.invokeId === resolution.resolved.invokeId && chosen.serviceTier === serviceTier,
        )
      ) {
        models.push({ ...resolution.resolved, serviceTier });
      }
    }
    const count = this.countProblem(models.length, names[0], command.prompt);
    if (count) return failed(count);
    const reasoning = reasoningProblem(models, command.options);
    if (reasoning) return failed(reasoning);
    return ok(
      await this.withChannelSystem({ models, prompt: command.prompt, options: command.options }, asker),
    );
  }

  /** "Run again": the models of an earlier run that the catalog still has, with its prompt and options. */
  again(run: CompareRun, catalog: Catalog): CompareRequest {
    const models = run.models.flatMap((model) => {
      const resolution = catalog.resolve(model.invokeId);
      return resolution.ok ? [{ ...resolution.resolved, serviceTier: model.serviceTier }] : [];
    });
    return { models, prompt: run.prompt, options: run.options };
  }

  /** A tier that does not exist, or that the model is not offered on, named before any call. */
  private tierProblem(
    model: ResolvedModel['model'],
    word: string,
    tier: RequestedTier | undefined,
  ): Problem | undefined {
    if (!tier)
      return problem(
        'invalid',
        `\`@${word}\` is not a Bedrock service tier: add \`@flex\` (discounted, may be slower), \`@priority\` (premium, fastest) or \`@standard\` to a model name.`,
      );
    if (!offersTier(model.modelId, tier))
      return problem(
        'invalid',
        `${model.name} is not offered on the ${tier} tier: Bedrock serves it on the standard tier only. Priority and flex are for models such as gpt-oss, DeepSeek V3.1, Qwen3 and Nova Pro / Nova 2 Lite.`,
      );
    return undefined;
  }

  private countProblem(count: number, firstName: string | undefined, prompt: string): Problem | undefined {
    const { maxModels } = this.deps;
    switch (modelCountProblem(count, maxModels)) {
      case 'too-few':
        return problem(
          'invalid',
          `A compare needs at least 2 different models; ${count === 1 ? `only \`${firstName}\` was named` : 'none were named'}. Example: \`/compare nova-micro sonnet ${prompt.slice(0, 60)}\``,
        );
      case 'too-many':
        return problem(
          'invalid',
          `That’s ${count} models; a compare takes at most ${maxModels} so the answers stay readable side by side.`,
        );
      case undefined:
        return undefined;
    }
  }
}
