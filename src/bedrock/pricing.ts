import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import { z } from 'zod';
import { failed, ok, problem, type Result } from '../result.js';

const overrideSchema = z.record(
  z.string(),
  z.object({
    inputPerMillionUsd: z.number().nonnegative(),
    outputPerMillionUsd: z.number().nonnegative(),
    /** Provisioned Throughput: what one model unit costs an hour (no public table lists it per account). */
    modelUnitHourUsd: z.number().nonnegative().optional(),
  }),
);

export type PriceOverrides = z.infer<typeof overrideSchema>;

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

  /** Cost of one call in USD; looks up the invoked ID (a profile may be priced apart) then the model ID. */
  cost(ids: string[], inputTokens: number, outputTokens: number): number | undefined {
    for (const id of ids) {
      const override = this.overrides[id];
      if (override) {
        return (
          (inputTokens * override.inputPerMillionUsd + outputTokens * override.outputPerMillionUsd) /
          1_000_000
        );
      }
    }
    for (const id of ids) {
      const price = calcPrice({ input_tokens: inputTokens, output_tokens: outputTokens }, id, {
        providerId: 'aws',
      });
      if (price) return price.total_price;
    }
    return undefined;
  }

  /** What a provisioned throughput of `modelUnits` costs an hour, from PRICES_FILE; undefined when unknown. */
  hourlyUsd(ids: string[], modelUnits: number): number | undefined {
    for (const id of ids) {
      const perUnit = this.overrides[id]?.modelUnitHourUsd;
      if (perUnit !== undefined) return perUnit * modelUnits;
    }
    return undefined;
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
