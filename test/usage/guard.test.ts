import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { UsageGuard, type UsageLimits } from '../../src/usage/guard.js';

/** One clock for the store's windows and the guard's days, moved by the test. */
function guarded(limits: Partial<UsageLimits>, startsAt = '2026-11-25T12:00:00Z') {
  let now = Date.parse(startsAt);
  const store = storeOn(new MemoryBackend(() => now));
  const guard = new UsageGuard(
    store,
    { userPerMinute: 100, teamPerMinute: 100, dailySpendCapUsd: 0, ...limits },
    () => new Date(now),
  );
  return { guard, advance: (ms: number) => (now += ms), setTo: (iso: string) => (now = Date.parse(iso)) };
}

describe('the usage guard', () => {
  it('lets a person make their requests a minute, then refuses the next with when to try again', async () => {
    const { guard, advance } = guarded({ userPerMinute: 2 });

    expect(await guard.admit('T1', 'U1')).toEqual({ ok: true, value: undefined });
    expect(await guard.admit('T1', 'U1')).toMatchObject({ ok: true });
    const refused = await guard.admit('T1', 'U1');

    expect(refused).toMatchObject({ ok: false, problem: { kind: 'limited', retryAfterSeconds: 60 } });
    expect(!refused.ok && refused.problem.message).toBe(
      'You are going a bit fast: 2 requests a minute at most. Try again in 60 seconds.',
    );
    // Someone else in the workspace is not held up by it.
    expect(await guard.admit('T1', 'U2')).toMatchObject({ ok: true });
    advance(60_000);
    expect(await guard.admit('T1', 'U1')).toMatchObject({ ok: true });
  });

  it('refuses everyone in a workspace past its limit a minute, and no one in another workspace', async () => {
    const { guard } = guarded({ teamPerMinute: 3 });
    for (const user of ['U1', 'U2', 'U3']) expect(await guard.admit('T1', user)).toMatchObject({ ok: true });

    const refused = await guard.admit('T1', 'U4');

    expect(refused).toMatchObject({ ok: false, problem: { kind: 'limited' } });
    expect(!refused.ok && refused.problem.message).toMatch(
      /^This workspace has reached its limit of 3 requests a minute\. Try again in \d+ seconds\.$/,
    );
    expect(await guard.admit('T2', 'U4')).toMatchObject({ ok: true });
  });

  it('refuses a person whose spend today reached the daily cap until midnight UTC', async () => {
    const { guard } = guarded({ dailySpendCapUsd: 0.5 }, '2026-11-25T21:00:00Z');
    await guard.recordSpend('T1', 'U1', 0.3);
    expect(await guard.admit('T1', 'U1')).toMatchObject({ ok: true });
    await guard.recordSpend('T1', 'U1', 0.25);

    const refused = await guard.admit('T1', 'U1');

    expect(refused).toMatchObject({ ok: false, problem: { kind: 'limited', retryAfterSeconds: 3 * 3600 } });
    expect(!refused.ok && refused.problem.message).toBe(
      'You have used your daily Bedrock budget ($0.55 of $0.50). It resets at midnight UTC, in 3 hours.',
    );
    expect(await guard.admit('T1', 'U2')).toMatchObject({ ok: true });
  });

  it('lets the person in again from midnight UTC, when a new day’s spend starts at zero', async () => {
    const { guard, setTo } = guarded({ dailySpendCapUsd: 0.5 }, '2026-11-25T23:59:30Z');
    await guard.recordSpend('T1', 'U1', 0.5);
    const refused = await guard.admit('T1', 'U1');
    expect(refused).toMatchObject({ ok: false, problem: { retryAfterSeconds: 30 } });

    setTo('2026-11-26T00:00:05Z');

    expect(await guard.admit('T1', 'U1')).toMatchObject({ ok: true });
  });
});
