import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/bedrock/pricing.js';

const folder = mkdtempSync(join(tmpdir(), 'prices-'));
const file = (name: string, text: string) => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};

describe('PRICES_FILE', () => {
  it.each([
    [
      'a file that is not there',
      join(folder, 'missing.json'),
      /^PRICES_FILE .*missing\.json could not be read \(ENOENT\)/,
    ],
    [
      'a file that is not JSON',
      file('broken.json', '{ "amazon.nova-micro-v1:0": '),
      /^PRICES_FILE .*broken\.json is not valid JSON/,
    ],
    [
      'JSON of the wrong shape',
      file('shape.json', '{"amazon.nova-micro-v1:0": {"input": 1}}'),
      /^PRICES_FILE .*shape\.json is not valid: expected/,
    ],
  ])('names PRICES_FILE for %s', (_case, path, expected) => {
    expect(PriceBook.fromFile(path)).toEqual({
      ok: false,
      problem: { kind: 'invalid', message: expect.stringMatching(expected) },
    });
  });

  it('reads a valid file', () => {
    const path = file('ok.json', '{"custom": {"inputPerMillionUsd": 1, "outputPerMillionUsd": 2}}');
    const prices = PriceBook.fromFile(path);
    expect(prices.ok && prices.value.cost(['custom'], 1_000_000, 1_000_000)).toBe(3);
  });

  it('prices a provisioned throughput per model unit and hour only where the file says so', () => {
    const path = file(
      'hourly.json',
      '{"custom": {"inputPerMillionUsd": 1, "outputPerMillionUsd": 2, "modelUnitHourUsd": 21.18}}',
    );
    const prices = PriceBook.fromFile(path);
    expect(prices.ok && prices.value.hourlyUsd(['my-pt', 'custom'], 2)).toBeCloseTo(42.36, 10);
    expect(prices.ok && prices.value.hourlyUsd(['amazon.nova-micro-v1:0'], 1)).toBeUndefined();
  });
});
