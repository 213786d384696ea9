import { describe, expect, it } from 'vitest';
import { parseChecks, runChecks } from '../../src/evaluate/checks.js';

const answer = (text: string, latencyMs = 100, costUsd: number | undefined = 0.0001) => ({
  text,
  latencyMs,
  costUsd,
});
const unpriced = (text: string, latencyMs: number) => ({ text, latencyMs, costUsd: undefined });

function checksOf(written: string) {
  const parsed = parseChecks(written);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

describe('checks', () => {
  it('reads every kind, separated by semicolons', () => {
    expect(
      checksOf(
        'contains:Paris; not-contains:sorry; regex:/^the/i; equals:42; json; max-latency:2s; max-cost:$0.001',
      ),
    ).toEqual([
      { kind: 'contains', text: 'Paris' },
      { kind: 'not-contains', text: 'sorry' },
      { kind: 'regex', source: '^the', flags: 'i' },
      { kind: 'equals', text: '42' },
      { kind: 'json' },
      { kind: 'max-latency', ms: 2000 },
      { kind: 'max-cost', usd: 0.001 },
    ]);
  });

  it('says which regex does not compile and why', () => {
    const parsed = parseChecks('regex:(unclosed');
    expect(parsed).toEqual({
      ok: false,
      problem: expect.stringContaining('the regex `(unclosed` does not compile'),
    });
  });

  it('names the checks there are when one is unknown', () => {
    const parsed = parseChecks('startswith:The');
    expect(parsed.ok || parsed.problem).toContain('`startswith` is not a check: use one of `contains`');
  });

  it('refuses a latency that is not a time', () => {
    expect(parseChecks('max-latency:fast').ok).toBe(false);
  });

  it('passes and fails answers, saying why a check failed', () => {
    const outcomes = runChecks(
      checksOf('contains:paris; not-contains:sorry; equals:Paris'),
      answer('The capital is Paris.'),
    );
    expect(outcomes).toEqual([
      { check: 'contains:paris', passed: true },
      { check: 'not-contains:sorry', passed: true },
      { check: 'equals:Paris', passed: false, why: 'is not exactly “Paris”' },
    ]);
  });

  it('reads JSON inside a Markdown fence as JSON', () => {
    const [fenced] = runChecks(checksOf('json'), answer('```json\n{"a": 1}\n```'));
    const [prose] = runChecks(checksOf('json'), answer('Here: {"a": 1}'));
    expect(fenced?.passed).toBe(true);
    expect(prose).toEqual({ check: 'json', passed: false, why: 'is not valid JSON' });
  });

  it('holds latency and cost to their limits; an unknown cost cannot pass a cost limit', () => {
    const checks = checksOf('max-latency:500ms; max-cost:0.001');
    expect(runChecks(checks, answer('x', 800, 0.0001)).map((outcome) => outcome.passed)).toEqual([
      false,
      true,
    ]);
    expect(runChecks(checks, unpriced('x', 100))[1]).toEqual({
      check: 'max-cost:0.001',
      passed: false,
      why: 'cost unknown, so the limit cannot be shown to hold',
    });
  });
});
