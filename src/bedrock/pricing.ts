import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import { z } from 'zod';
import { failed, ok, problem, type Result } from '../result.js';
import { tierMultiplier } from './service-tiers.js';

const overrideSchema = z.record(
  z.string(),
  z.object({
    inputPerMillionUsd: z.number().nonnegative(),
    outputPerMillionUsd: z.number().nonnegative(),
    /** Prompt-cache reads and writes; without them they are priced as input, never as free. */
    cacheReadPerMillionUsd: z.number().nonnegative().optional(),
    cacheWritePerMillionUsd: z.number().nonnegative().optional(),
    /** Provisioned Throughput, per model unit and hour without commitment (a base model's ID). */
    provisionedPerHourUsd: z.number().nonnegative().optional(),
  }),
);

export type PriceOverrides = z.infer<typeof overrideSchema>;

/**
 * Whether a call through this ID is billed by the hour: a Provisioned Throughput's ARN
 * (`…:provisioned-model/…`) is paid per model unit and hour, used or not, so one call through it has
 * no price of its own. A custom model deployed on demand (`…:custom-model-deployment/…`) is not: it
 * is billed per input and output token, like its base model (Amazon Nova user guide, "On-demand
 * inference on Custom Models", checked 2026-12).
 */
export function billedHourly(invokeId: string): boolean {
  return /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:provisioned-model\//.test(invokeId);
}

/** What a call billed by the hour shows where a per-token call shows its price. */
export const BILLED_HOURLY = 'billed hourly (Provisioned Throughput)';

export interface PromptCacheTokens {
  readTokens: number;
  writeTokens: number;
}

/**
 * Turns token counts into dollars. Operator overrides (negotiated prices, custom models, provisioned
 * throughput) win over genai-prices' bundled table; `undefined` means "price unknown", never $0.
 */
export class PriceBook {
  constructor(private readonly overrides: PriceOverrides = {}) {}

  /** Every problem names PRICES_FILE, since that is what the person starting the app must fix. */
  static fromFile(path: string | undefined): Result<PriceBook> {
    if (!path) return ok(new PriceBook());
    const invalid = (why: string) => failed(problem('invalid', `PRICES_FILE ${path} ${why}`));
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return invalid(`could not be read (${code}): point it at a JSON file of prices`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return invalid(`is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = overrideSchema.safeParse(json);
    if (!parsed.success) {
      return invalid(
        'is not valid: expected {"<model or profile id>": {"inputPerMillionUsd": n, "outputPerMillionUsd": n}}',
      );
    }
    return ok(new PriceBook(parsed.data));
  }

  /**
   * Cost of one call in USD; looks up the invoked ID (a profile may be priced apart) then the model ID.
   * `inputTokens` are Bedrock's: they leave out the prompt-cache reads and writes, priced apart.
   * On the flex or priority tier an override written for `<id>@<tier>` wins; otherwise the standard
   * price times the tier's multiplier (service-tiers.ts). A call through a Provisioned Throughput
   * has no per-token price at all (`billedHourly`).
   */
  cost(
    ids: string[],
    inputTokens: number,
    outputTokens: number,
    cache: PromptCacheTokens = { readTokens: 0, writeTokens: 0 },
    tier?: string,
  ): number | undefined {
    if (ids.some(billedHourly)) return undefined;
    const multiplier = tierMultiplier(tier);
    if (tier && multiplier !== 1) {
      const tiered = this.overridden(
        ids.map((id) => `${id}@${tier}`),
        inputTokens,
        outputTokens,
        cache,
      );
      if (tiered !== undefined) return tiered;
    }
    const standard = this.standardCost(ids, inputTokens, outputTokens, cache);
    return standard === undefined ? undefined : standard * multiplier;
  }

  private standardCost(
    ids: string[],
    inputTokens: number,
    outputTokens: number,
    cache: PromptCacheTokens,
  ): number | undefined {
    const overridden = this.overridden(ids, inputTokens, outputTokens, cache);
    if (overridden !== undefined) return overridden;
    // genai-prices counts cached tokens inside input_tokens, and prices them apart where it knows how.
    const usage = {
      input_tokens: inputTokens + cache.readTokens + cache.writeTokens,
      cache_read_tokens: cache.readTokens,
      cache_write_tokens: cache.writeTokens,
      output_tokens: outputTokens,
    };
    for (const id of ids) {
      const price = calcPrice(usage, id, { providerId: 'aws' });
      if (price) return price.total_price;
    }
    return undefined;
  }

  /** The first PRICES_FILE entry among `keys`, applied; undefined when none has one. */
  private overridden(
    keys: string[],
    inputTokens: number,
    outputTokens: number,
    cache: PromptCacheTokens,
  ): number | undefined {
    for (const key of keys) {
      const override = this.overrides[key];
      if (override) {
        const input = override.inputPerMillionUsd;
        return (
          (inputTokens * input +
            cache.readTokens * (override.cacheReadPerMillionUsd ?? input) +
            cache.writeTokens * (override.cacheWritePerMillionUsd ?? input) +
            outputTokens * override.outputPerMillionUsd) /
          1_000_000
        );
      }
    }
    return undefined;
  }

  /** Provisioned Throughput's hourly price per model unit without commitment, when PRICES_FILE has it. */
  provisionedPerHour(modelId: string): number | undefined {
    // A fine-tuning base carries its context variant (`…:0:128k`); the table may name either.
    const bare = modelId.replace(/:\d+k$/, '');
    return this.overrides[modelId]?.provisionedPerHourUsd ?? this.overrides[bare]?.provisionedPerHourUsd;
  }
}

/** Below this a cost prints as "< $0.000001": a millionth of a dollar is the finest figure worth reading. */
const SMALLEST_SHOWN_USD = 0.000_001;

/**
 * Dollars as the whole app prints them: two significant digits in plain decimals below a dollar
 * (`$0.00000091`, `$0.018`), cents above (`$4.20`), "< $0.000001" for less, never scientific
 * notation, and "price unknown" rather than $0 when there is no price. An estimate reads `≈$0.0012`.
 */
export function formatUsd(usd: number | undefined, options: { estimate?: boolean } = {}): string {
  if (usd === undefined) return 'price unknown';
  const about = options.estimate ? '≈' : '';
  if (usd === 0) return `${about}$0`;
  if (usd < SMALLEST_SHOWN_USD) return `${about ? '≈ ' : ''}< $0.000001`;
  if (usd >= 1) return `${about}$${usd.toFixed(2)}`;
  const rounded = Number(usd.toPrecision(2));
  const decimals = Math.max(2, 1 - Math.floor(Math.log10(rounded)));
  return `${about}$${rounded.toFixed(decimals)}`;
}
