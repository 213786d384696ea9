import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import { z } from 'zod';

const overrideSchema = z.record(
  z.string(),
  z.object({
    inputPerMillionUsd: z.number().nonnegative(),
    outputPerMillionUsd: z.number().nonnegative(),
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
  static fromFile(path: string | undefined): PriceBook {
    if (!path) return new PriceBook();
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new Error(`PRICES_FILE ${path} could not be read (${code}): point it at a JSON file of prices`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`PRICES_FILE ${path} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = overrideSchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `PRICES_FILE ${path} is not valid: expected {"<model or profile id>": {"inputPerMillionUsd": n, "outputPerMillionUsd": n}}`,
      );
    }
    return new PriceBook(parsed.data);
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
}
