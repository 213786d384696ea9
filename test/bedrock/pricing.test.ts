import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { billedHourly, PriceBook } from '../../src/bedrock/pricing.js';

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
      '{"custom": {"inputPerMillionUsd": 1, "outputPerMillionUsd": 2, "provisionedPerHourUsd": 21.18}}',
    );
    const prices = PriceBook.fromFile(path);
    expect(prices.ok && prices.value.provisionedPerHour('custom')).toBe(21.18);
    expect(prices.ok && prices.value.provisionedPerHour('amazon.nova-micro-v1:0')).toBeUndefined();
  });
});

describe('prompt-cache tokens', () => {
  const book = new PriceBook();
  const haiku = 'anthropic.claude-3-5-haiku-20241022-v1:0';

  it('prices cache reads at a tenth of input and writes at a premium, as Bedrock bills Claude', () => {
    // $0.80 input, $0.08 cache read, $1.00 cache write, $4.00 output per million tokens.
    expect(book.cost([haiku], 1_000_000, 0, { readTokens: 1_000_000, writeTokens: 1_000_000 })).toBeCloseTo(
      1.88,
    );
    expect(book.cost([haiku], 0, 0, { readTokens: 1_000_000, writeTokens: 0 })).toBeCloseTo(0.08);
  });

  it('prices an override’s cache tokens as input when it names no cache prices, never as free', () => {
    const path = file(
      'cache.json',
      '{"my-model": {"inputPerMillionUsd": 2, "outputPerMillionUsd": 8, "cacheReadPerMillionUsd": 0.2}}',
    );
    const priced = PriceBook.fromFile(path);
    if (!priced.ok) throw new Error('expected a price book');
    expect(
      priced.value.cost(['my-model'], 0, 0, { readTokens: 1_000_000, writeTokens: 1_000_000 }),
    ).toBeCloseTo(2.2);
  });
});

describe('Provisioned Throughput’s hourly price', () => {
  it('is found for a fine-tuning base under its ID with or without the context variant', () => {
    const path = file(
      'pt.json',
      '{"amazon.nova-micro-v1:0": {"inputPerMillionUsd": 0.035, "outputPerMillionUsd": 0.14, "provisionedPerHourUsd": 12.5}}',
    );
    const priced = PriceBook.fromFile(path);
    if (!priced.ok) throw new Error('expected a price book');
    expect(priced.value.provisionedPerHour('amazon.nova-micro-v1:0:128k')).toBe(12.5);
    expect(priced.value.provisionedPerHour('amazon.nova-lite-v1:0:300k')).toBeUndefined();
  });
});

describe('a custom model’s call', () => {
  const book = new PriceBook();
  const base = 'amazon.nova-micro-v1:0';
  const throughput = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123xyz';
  const deployment = 'arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/od1a2b3c';

  it('through a Provisioned Throughput has no per-token price: it is billed per model unit and hour', () => {
    expect(billedHourly(throughput)).toBe(true);
    expect(book.cost([throughput, base], 1_000_000, 1_000_000)).toBeUndefined();
    // Not even an entry written for the throughput or its base turns the hour into tokens.
    const path = file(
      'pt-tokens.json',
      `{"${throughput}": {"inputPerMillionUsd": 1, "outputPerMillionUsd": 2}}`,
    );
    const priced = PriceBook.fromFile(path);
    expect(priced.ok && priced.value.cost([throughput, base], 1_000_000, 1_000_000)).toBeUndefined();
  });

  it('through an on-demand deployment is billed per token, at its base model’s price', () => {
    expect(billedHourly(deployment)).toBe(false);
    expect(book.cost([deployment, base], 1_000_000, 1_000_000)).toBeCloseTo(0.035 + 0.14);
  });
});
