import {
  type BedrockClient,
  type FoundationModelSummary,
  GetFoundationModelAvailabilityCommand,
  type InferenceProfileSummary,
  ListFoundationModelsCommand,
  paginateListInferenceProfiles,
} from '@aws-sdk/client-bedrock';
import { z } from 'zod';
import { type Logger, silentLogger } from '../logger.js';
import { type DocumentKind, Documents } from '../store/documents.js';
import { keys, type StoreKey } from '../store/keys.js';
import type { DocumentStore } from '../store/types.js';

/** One foundation model as the app needs it, plain data so it can be cached in the store. */
export interface CatalogModel {
  modelId: string;
  modelArn: string;
  name: string;
  provider: string;
  inputModalities: string[];
  outputModalities: string[];
  streaming: boolean;
  lifecycle: 'ACTIVE' | 'LEGACY';
  onDemand: boolean;
  customizations: string[];
  /** The inference profile to call when the model cannot be invoked on demand in this region. */
  profileId?: string;
  /** Every inference profile that routes to this model. */
  profileIds: string[];
  /** Words users may type for this model, derived from its ID and name. */
  aliases: string[];
  /** False when Bedrock says this account may not invoke it (checked for the models behind a tier name). */
  available?: boolean;
}

/** The cached catalog as it must read back from the store; a cache of any other shape is fetched afresh. */
const CACHED_CATALOG: DocumentKind<CatalogModel[]> = {
  name: 'model catalog',
  version: 1,
  schema: z.array(
    z.object({
      modelId: z.string(),
      modelArn: z.string(),
      name: z.string(),
      provider: z.string(),
      inputModalities: z.array(z.string()),
      outputModalities: z.array(z.string()),
      streaming: z.boolean(),
      lifecycle: z.enum(['ACTIVE', 'LEGACY']),
      onDemand: z.boolean(),
      customizations: z.array(z.string()),
      profileId: z.string().optional(),
      profileIds: z.array(z.string()),
      aliases: z.array(z.string()),
      available: z.boolean().optional(),
    }),
  ),
};

export interface ResolvedModel {
  model: CatalogModel;
  /** What to pass to Converse: the profile when one is required or was asked for, else the model ID. */
  invokeId: string;
}

export type Resolution =
  | { ok: true; resolved: ResolvedModel }
  | { ok: false; input: string; suggestions: string[] };

// Source: "Supported models and model features" in the Bedrock user guide (Converse API): these
// model families answer a system prompt with a ValidationException.
const NO_SYSTEM_PROMPT_PREFIXES = [
  'amazon.titan-text',
  'cohere.command-text',
  'cohere.command-light-text',
  'mistral.mistral-7b-instruct',
  'mistral.mixtral-8x7b-instruct',
  'ai21.j2',
];

export function acceptsSystemPrompt(model: CatalogModel): boolean {
  return !NO_SYSTEM_PROMPT_PREFIXES.some((prefix) => model.modelId.startsWith(prefix));
}

// Source: the same table, "Document chat" column: these take no document content blocks.
const NO_DOCUMENT_PREFIXES = [
  'amazon.nova-micro',
  'amazon.titan-text-premier',
  'ai21.jamba-instruct',
  'ai21.j2',
];

export function acceptsDocuments(model: CatalogModel): boolean {
  return !NO_DOCUMENT_PREFIXES.some((prefix) => model.modelId.startsWith(prefix));
}

export function acceptsImages(model: CatalogModel): boolean {
  return model.inputModalities.includes('IMAGE');
}

export function producesText(model: CatalogModel): boolean {
  return model.outputModalities.includes('TEXT');
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/(\d)[-_ ](\d)(?!\d)/g, '$1.$2')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-|-$/g, '');

// Providers whose model names do not carry the provider's own name (`deepseek.r1-v1:0` is DeepSeek-R1).
const NAMED_BY_PROVIDER = new Set(['deepseek']);

/**
 * `anthropic.claude-3-5-sonnet-20241022-v2:0` → `claude-3.5-sonnet`, `openai.gpt-oss-120b-1:0` →
 * `gpt-oss-120b` (OpenAI's IDs end in a bare version), `deepseek.r1-v1:0` → `deepseek-r1`.
 */
function familyOf(modelId: string): string {
  const bare = modelId.replace(/^[a-z0-9-]+\./, '');
  return providerNamed(
    modelId,
    slug(
      bare
        .replace(/-\d+(:\d+)$/, '$1')
        .replace(/(:\d+)+(:[a-z0-9]+)?$/i, '')
        .replace(/-v\d+$/, '')
        .replace(/-\d{8}$/, ''),
    ),
  );
}

/** A short name as people say it: `r1` of `deepseek.r1-v1:0` is `deepseek-r1`. */
function providerNamed(modelId: string, name: string): string {
  const provider = modelId.replace(/^(us|eu|apac|global)\./, '').split('.')[0] ?? '';
  return NAMED_BY_PROVIDER.has(provider) ? `${provider}-${name}` : name;
}

/** Claude's tier names, each said for the newest of several models. */
const TIER_NAMES = new Set(['sonnet', 'haiku', 'opus']);

function aliasesFor(summary: { modelId: string; name: string }): string[] {
  const family = familyOf(summary.modelId);
  // The ID without its provider and `:n` suffix keeps a meaningful version (`titan-embed-text-v2`).
  const versioned = providerNamed(
    summary.modelId,
    slug(summary.modelId.replace(/^[a-z0-9-]+\./, '').replace(/(:\d+)+(:[a-z0-9]+)?$/i, '')),
  );
  const aliases = new Set([summary.modelId.toLowerCase(), family, versioned, slug(summary.name)]);
  aliases.add(family.replace(/-instruct$/, ''));
  // Mistral and others stamp a YYMM release (`mistral-large-2402`); the bare family names the newest.
  aliases.add(family.replace(/-\d{4}$/, ''));
  // Claude's tier names (`sonnet`, `haiku`, `opus`) are what people say; the newest wins (see `rank`).
  // Claude 4 puts the version after the tier (`claude-sonnet-4.5`), said as `sonnet-4.5`.
  const claude =
    family.match(/^claude-([\d.]+)-(sonnet|haiku|opus)$/) ??
    family.match(/^claude-(sonnet|haiku|opus)-([\d.]+)$/);
  if (claude) {
    const [tier, version] = /^\d/.test(claude[1] ?? '') ? [claude[2], claude[1]] : [claude[1], claude[2]];
    aliases.add(tier ?? '');
    aliases.add(`${tier}-${version}`);
  }
  return [...aliases].filter(Boolean);
}

/** Newer first: active before legacy, then by the date stamp and version in the ID. */
function rank(a: CatalogModel, b: CatalogModel): number {
  if (a.lifecycle !== b.lifecycle) return a.lifecycle === 'ACTIVE' ? -1 : 1;
  // `amazon.nova-micro-v1:0:128k`, a base for fine-tuning only, shares its alias with the model people call.
  const invocable = (model: CatalogModel) =>
    model.available !== false && (model.onDemand || model.profileId !== undefined);
  if (invocable(a) !== invocable(b)) return invocable(a) ? -1 : 1;
  const stamp = (model: CatalogModel) => {
    const family = familyOf(model.modelId);
    const version = family.match(/(\d+(?:\.\d+)?)/)?.[1] ?? '0';
    const date = model.modelId.match(/-(\d{8})-/)?.[1] ?? '0';
    const revision = model.modelId.match(/-v(\d+)/)?.[1] ?? '0';
    return [Number(version), Number(date), Number(revision)];
  };
  const [left, right] = [stamp(a), stamp(b)];
  for (let index = 0; index < left.length; index++) {
    const difference = (right[index] ?? 0) - (left[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.modelId.localeCompare(b.modelId);
}

/** `us-east-1` → `us`, `eu-west-3` → `eu`, `ap-south-1` → `apac`: the prefix of system-defined profiles. */
function geographyOf(region: string): string {
  const area = region.split('-')[0] ?? '';
  if (area === 'ap') return 'apac';
  if (area === 'ca' || area === 'sa') return 'us';
  return area;
}

function chooseProfile(profiles: InferenceProfileSummary[], region: string): string | undefined {
  const geography = geographyOf(region);
  const ids = profiles.map((profile) => profile.inferenceProfileId ?? '').filter(Boolean);
  return (
    ids.find((id) => id.startsWith(`${geography}.`)) ?? ids.find((id) => id.startsWith('global.')) ?? ids[0]
  );
}

export function buildCatalog(
  summaries: FoundationModelSummary[],
  profiles: InferenceProfileSummary[],
  region: string,
): CatalogModel[] {
  return summaries
    .filter((summary) => summary.modelId && summary.modelArn)
    .map((summary) => {
      const modelId = summary.modelId!;
      const routing = profiles.filter((profile) =>
        (profile.models ?? []).some((entry) => entry.modelArn?.endsWith(`foundation-model/${modelId}`)),
      );
      const onDemand = (summary.inferenceTypesSupported ?? []).includes('ON_DEMAND');
      const name = summary.modelName ?? modelId;
      return {
        modelId,
        modelArn: summary.modelArn!,
        name,
        provider: summary.providerName ?? modelId.split('.')[0] ?? 'Unknown',
        inputModalities: summary.inputModalities ?? [],
        outputModalities: summary.outputModalities ?? [],
        streaming: summary.responseStreamingSupported ?? false,
        lifecycle: summary.modelLifecycle?.status === 'LEGACY' ? 'LEGACY' : 'ACTIVE',
        onDemand,
        customizations: summary.customizationsSupported ?? [],
        profileId: onDemand ? undefined : chooseProfile(routing, region),
        profileIds: routing.map((profile) => profile.inferenceProfileId ?? '').filter(Boolean),
        aliases: aliasesFor({ modelId, name }),
      } satisfies CatalogModel;
    });
}

/** Levenshtein distance, for "did you mean" suggestions on a handful of short names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export class Catalog {
  /**
   * What each name resolved to: a catalog is reused by every command for a while (`CatalogSource`),
   * and resolving a name scans and ranks every model.
   */
  private readonly found = new Map<string, ResolvedModel | undefined>();
  /** Sorted once for the same reason: help alone asks for it five times. */
  private invocable?: readonly CatalogModel[];

  constructor(readonly models: CatalogModel[]) {}

  /** An alias, a model ID or an inference profile ID; the newest model wins when an alias fits several. */
  find(input: string): ResolvedModel | undefined {
    if (this.found.has(input)) return this.found.get(input);
    const resolved = this.lookUp(input.trim().toLowerCase());
    this.found.set(input, resolved);
    return resolved;
  }

  private lookUp(wanted: string): ResolvedModel | undefined {
    const byProfile = this.models.find((model) => model.profileIds.some((id) => id.toLowerCase() === wanted));
    if (byProfile) {
      const invokeId = byProfile.profileIds.find((id) => id.toLowerCase() === wanted)!;
      return { model: byProfile, invokeId };
    }
    const matches = this.models.filter(
      (model) => model.aliases.includes(wanted) || model.aliases.includes(slug(wanted)),
    );
    const [best] = matches.sort(rank);
    return best ? { model: best, invokeId: best.profileId ?? best.modelId } : undefined;
  }

  /**
   * The model to call for a model ID: the model itself when it can be invoked, else the invocable
   * model of its family (a fine-tuning base such as `amazon.nova-micro-v1:0:128k` answers as
   * `amazon.nova-micro-v1:0`).
   */
  findInvocable(modelId: string): ResolvedModel | undefined {
    const invocable = (found: ResolvedModel | undefined) =>
      found && (found.model.onDemand || found.model.profileId) ? found : undefined;
    return invocable(this.find(modelId)) ?? invocable(this.find(familyOf(modelId)));
  }

  /** `find`, with the closest names when nothing fits. */
  resolve(input: string): Resolution {
    const resolved = this.find(input);
    return resolved
      ? { ok: true, resolved }
      : { ok: false, input, suggestions: this.suggest(input.trim().toLowerCase()) };
  }

  /** True when the word could only be a model name, so the parser can tell models from the prompt. */
  isModel(input: string): boolean {
    return this.find(input) !== undefined;
  }

  suggest(wanted: string, count = 3): string[] {
    const scored = this.models
      .filter((model) => model.lifecycle === 'ACTIVE' && producesText(model))
      .map((model) => {
        // Scored against every short name of the model (`mistral-large` as well as `mistral-large-2402`).
        const names = model.aliases.filter((alias) => !alias.includes(':'));
        const best = names
          .map((alias) => {
            const contains = alias.includes(wanted) || wanted.includes(alias);
            return { alias, score: contains ? 0 : distance(wanted, alias) };
          })
          .sort((a, b) => a.score - b.score || a.alias.length - b.alias.length)[0];
        return best ?? { alias: familyOf(model.modelId), score: Number.POSITIVE_INFINITY };
      })
      .filter((entry) => entry.score <= Math.max(3, Math.floor(wanted.length / 2)))
      .sort((a, b) => a.score - b.score || a.alias.localeCompare(b.alias));
    return [...new Set(scored.map((entry) => entry.alias))].slice(0, count);
  }

  /** Text-output models that can be called, for pickers: active first, grouped by provider. */
  invocableTextModels(): readonly CatalogModel[] {
    this.invocable ??= this.models
      .filter((model) => producesText(model) && (model.onDemand || model.profileId))
      .sort((a, b) => a.provider.localeCompare(b.provider) || rank(a, b));
    return this.invocable;
  }

  /**
   * Short names that call distinct invocable text models, one provider after another so examples show
   * variety; each one resolves back to its own model, so an example built from them is accepted.
   */
  exampleNames(count: number): string[] {
    const byProvider = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const model of this.invocableTextModels()) {
      if (model.lifecycle !== 'ACTIVE') continue;
      const name = this.shortestName(model);
      if (!name || seen.has(name)) continue;
      seen.add(name);
      byProvider.set(model.provider, [...(byProvider.get(model.provider) ?? []), name]);
    }
    const names: string[] = [];
    const queues = [...byProvider.values()];
    while (names.length < count && queues.some((queue) => queue.length > 0)) {
      for (const queue of queues) {
        const next = queue.shift();
        if (next && names.length < count) names.push(next);
      }
    }
    return names;
  }

  /** The shortest name people say for a model (`sonnet`, `llama3-70b`) that still means that model. */
  shortestName(model: CatalogModel): string | undefined {
    return model.aliases
      .filter((alias) => alias !== model.modelId.toLowerCase())
      .filter((alias) => this.find(alias)?.model.modelId === model.modelId)
      .sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
  }

  /** The shortest name of the first active, invocable text model that `fits`, for help's examples. */
  exampleFor(fits: (model: CatalogModel) => boolean): string | undefined {
    const model = this.invocableTextModels().find((entry) => entry.lifecycle === 'ACTIVE' && fits(entry));
    return model ? this.shortestName(model) : undefined;
  }

  /** The short name shown to people: the family alias, e.g. `claude-3.5-sonnet`. */
  static shortName(model: CatalogModel): string {
    return familyOf(model.modelId);
  }
}

/**
 * How long a replica reuses the catalog it last read from the store: every command and every help
 * needs it, and reading and checking a hundred models from the store each time was a few percent of
 * the app's CPU under load, more in a burst of commands (bench/load.ts). The store's copy still
 * decides what every replica sees after that.
 */
const IN_PROCESS_MS = 30_000;

/** Reads the live catalog (both list calls, paginated) at most once per TTL across all replicas. */
export class CatalogSource {
  private readonly cache: Documents<CatalogModel[]>;
  private readonly cacheKey: StoreKey;
  private recent?: { catalog: Catalog; until: number };

  constructor(
    private readonly bedrock: BedrockClient,
    store: DocumentStore,
    private readonly region: string,
    ttlSeconds: number,
    /** Hears of a cached catalog that does not read back as valid (and is then fetched afresh). */
    logger: Pick<Logger, 'warn'> = silentLogger,
  ) {
    this.cache = new Documents(store, CACHED_CATALOG, logger);
    this.cacheKey = keys.catalog(ttlSeconds);
  }

  async load(): Promise<Catalog> {
    const now = performance.now();
    if (this.recent && now < this.recent.until) return this.recent.catalog;
    const catalog = new Catalog(await this.read());
    this.recent = { catalog, until: now + Math.min(IN_PROCESS_MS, this.cacheKey.ttlSeconds * 1000) };
    return catalog;
  }

  private async read(): Promise<CatalogModel[]> {
    const cached = await this.cache.get(this.cacheKey.key);
    if (cached) return cached;
    const [models, profiles] = await Promise.all([this.fetchModels(), this.fetchProfiles()]);
    const catalog = await this.markUnavailable(buildCatalog(models, profiles, this.region));
    await this.cache.set(this.cacheKey.key, catalog, this.cacheKey.ttlSeconds);
    return catalog;
  }

  /**
   * `sonnet` means the newest Sonnet this account can invoke: the models behind a tier name are asked
   * GetFoundationModelAvailability (a dozen calls an hour at most); one it may not invoke ranks last.
   * An answer that does not come (an IAM policy without the action) leaves the model as it was.
   */
  private async markUnavailable(catalog: CatalogModel[]): Promise<CatalogModel[]> {
    const tiered = catalog.filter((model) => model.aliases.some((alias) => TIER_NAMES.has(alias)));
    await Promise.all(
      tiered.map(async (model) => {
        try {
          const answer = await this.bedrock.send(
            new GetFoundationModelAvailabilityCommand({ modelId: model.modelId }),
          );
          model.available =
            answer.authorizationStatus !== 'NOT_AUTHORIZED' &&
            answer.entitlementAvailability !== 'NOT_AVAILABLE' &&
            answer.regionAvailability !== 'NOT_AVAILABLE' &&
            answer.agreementAvailability?.status !== 'NOT_AVAILABLE';
        } catch {
          // Unknown: the model stays as listed.
        }
      }),
    );
    return catalog;
  }

  private async fetchModels(): Promise<FoundationModelSummary[]> {
    const answer = await this.bedrock.send(new ListFoundationModelsCommand({}));
    return answer.modelSummaries ?? [];
  }

  private async fetchProfiles(): Promise<InferenceProfileSummary[]> {
    const profiles: InferenceProfileSummary[] = [];
    for await (const page of paginateListInferenceProfiles({ client: this.bedrock }, { maxResults: 1000 })) {
      profiles.push(...(page.inferenceProfileSummaries ?? []));
    }
    return profiles;
  }
}
