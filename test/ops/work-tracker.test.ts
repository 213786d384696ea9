import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkTracker } from '../../src/ops/work-tracker.js';

describe('draining work at shutdown', () => {
  afterEach(() => vi.useRealTimers());

  it('closes the messages still in progress before the grace period ends, and reports the work unfinished', async () => {
    vi.useFakeTimers();
    const work = new WorkTracker(() => {});
    const closedAt: number[] = [];
    const start = Date.now();
    work.run(() => new Promise(() => {}));
    work.closeOnShutdown(async () => {
      closedAt.push(Date.now() - start);
    });
    const released = work.closeOnShutdown(async () => {
      closedAt.push(-1);
    });
    released();

    const drained = work.drain(20_000);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await drained).toBe(false);
    // The last 3 s of the grace period (at most a quarter of it) are kept for closing; a released message is left alone.
    expect(closedAt).toEqual([17_000]);
  });

  it('closes nothing when the work finishes in time', async () => {
    const work = new WorkTracker(() => {});
    let closed = false;
    work.run(async () => {});
    work.closeOnShutdown(async () => {
      closed = true;
    });
    expect(await work.drain(1000)).toBe(true);
    expect(closed).toBe(false);
  });
});
