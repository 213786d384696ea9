import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryInBackground, retryUntil } from '../../../src/slack/kit/retry.js';

const TIMING = { backoffMs: 100, deadlineMs: 2000 };

/** A call that fails `failures` times with numbered errors, then answers `done`; counts its attempts. */
function flaky(failures: number) {
  const attempt = vi.fn(async () => {
    if (attempt.mock.calls.length <= failures) throw new Error(`failure ${attempt.mock.calls.length}`);
    return 'done';
  });
  return attempt;
}

describe('retrying a call that must not be lost', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers what the call answers once it succeeds', async () => {
    const attempt = flaky(3);
    const result = retryUntil(attempt, TIMING);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('done');
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  it('waits twice as long each time, up to eight times the first wait', async () => {
    const attempt = flaky(Number.POSITIVE_INFINITY);
    const result = retryUntil(attempt, { backoffMs: 100, deadlineMs: 60_000 }).catch(() => undefined);
    const attemptsAfter = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      return attempt.mock.calls.length;
    };
    expect(await attemptsAfter(0)).toBe(1);
    expect(await attemptsAfter(99)).toBe(1);
    expect(await attemptsAfter(1)).toBe(2); // after 100
    expect(await attemptsAfter(199)).toBe(2);
    expect(await attemptsAfter(1)).toBe(3); // after 200 more
    expect(await attemptsAfter(400)).toBe(4); // after 400 more
    expect(await attemptsAfter(800)).toBe(5); // after 800 more: the cap
    expect(await attemptsAfter(799)).toBe(5);
    expect(await attemptsAfter(1)).toBe(6); // still 800
    await vi.runAllTimersAsync();
    await result;
  });

  it('gives up at the deadline with the last failure', async () => {
    const attempt = flaky(Number.POSITIVE_INFINITY);
    const result = retryUntil(attempt, TIMING);
    const settled = expect(result).rejects.toThrow(`failure ${5}`);
    await vi.runAllTimersAsync();
    // 0, 100, 300, 700, 1500: the next wait (800) would end past the 2000 ms deadline.
    await settled;
    expect(attempt).toHaveBeenCalledTimes(5);
  });

  it('stops at once on a failure that retrying cannot mend', async () => {
    const attempt = flaky(Number.POSITIVE_INFINITY);
    const result = retryUntil(attempt, TIMING, (error) => !(error as Error).message.endsWith('1'));
    await expect(result).rejects.toThrow('failure 1');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('in the background tells whoever is waiting of the last failure when it gives up', async () => {
    const onGiveUp = vi.fn();
    retryInBackground(flaky(Number.POSITIVE_INFINITY), TIMING, onGiveUp);
    await vi.runAllTimersAsync();
    expect(onGiveUp).toHaveBeenCalledOnce();
    expect(onGiveUp.mock.calls[0]?.[0]).toEqual(new Error('failure 5'));
  });

  it('in the background says nothing once the work succeeds', async () => {
    const onGiveUp = vi.fn();
    const work = flaky(2);
    retryInBackground(work, TIMING, onGiveUp);
    await vi.runAllTimersAsync();
    expect(work).toHaveBeenCalledTimes(3);
    expect(onGiveUp).not.toHaveBeenCalled();
  });
});
