import { type Catalog, producesText, type ResolvedModel } from '../bedrock/catalog.js';
import type { ChannelDefaults } from '../defaults/channel-settings.js';
import { failed, ok, type Problem, problem, type Result } from '../result.js';
import type { PreferenceStore } from '../store/types.js';
import { modelCountProblem } from './model-count.js';
import type { CompareCommand, WordKind } from './parse.js';
import type { CompareOptions, CompareRun } from './types.js';

/** What one compare asks: the models, each resolved to what is invoked, the prompt and the options. */
export interface CompareRequest {
  models: ResolvedModel[];
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

  /** The system prompt a compare gets when it names none: the channel's, if its members set one. */
  private async channelSystem(asker: Asker): Promise<string | undefined> {
    return (await this.deps.channels.of(asker.teamId, asker.channelId))?.systemPrompt;
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
      return failed(unknownModel(catalog, command.word, catalog.suggest(command.word.toLowerCase())));
    }
    const names = command.models.length > 0 ? command.models : await this.savedSet(asker);
    const models: ResolvedModel[] = [];
    for (const name of names) {
      const resolution = catalog.resolve(name);
      if (!resolution.ok) return failed(unknownModel(catalog, name, resolution.suggestions));
      const { model } = resolution.resolved;
      if (!producesText(model)) {
        return failed({ kind: 'no-text', name: model.name, outputModalities: model.outputModalities });
      }
      if (!models.some((chosen) => chosen.invokeId === resolution.resolved.invokeId)) {
        models.push(resolution.resolved);
      }
    }
    const count = this.countProblem(models.length, names[0], command.prompt);
    if (count) return failed(count);
    const system = command.options.system ?? (await this.channelSystem(asker));
    return ok({
      models,
      prompt: command.prompt,
      options: { ...command.options, ...(system ? { system } : {}) },
    });
  }

  /** "Run again": the models of an earlier run that the catalog still has, with its prompt and options. */
  again(run: CompareRun, catalog: Catalog): CompareRequest {
    const models = run.models.flatMap((model) => {
      const resolution = catalog.resolve(model.invokeId);
      return resolution.ok ? [resolution.resolved] : [];
    });
    return { models, prompt: run.prompt, options: run.options };
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
