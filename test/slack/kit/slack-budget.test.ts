import { describe, expect, it } from 'vitest';
import { SlackBudget, whenPermitted } from '../../../src/slack/kit/slack-budget.js';
import { MemoryBackend } from '../../../src/store/memory-backend.js';
import { storeOn } from '../../../src/store/store.js';
import { StoreUnavailableError } from '../../../src/store/types.js';

const LIMITS = {
  updatesPerMinute: 50,
  postsPerChannelPerMinute: 60,
  streamsPerMinute: 20,
  streamAppendsPerMinute: 100,
};
const quiet = { warn: () => undefined };

/** How many calls a permit lets through at once, asking as `urgent` or not. */
async function burst(permit: (urgent: boolean) => Promise<number>, urgent: boolean): Promise<number> {
  let taken = 0;
  while ((await permit(urgent)) === 0) taken++;
  return taken;
}

describe('the Slack budget of a workspace', () => {
  it('gives chat.startStream and chat.stopStream (Tier 2) and chat.appendStream (Tier 4) each a bucket of its own', async () => {
    const budget = new SlackBudget(storeOn(new MemoryBackend()), LIMITS, quiet);
    // Ten seconds' worth of each: three starts, then a wait of about three seconds for the next.
    expect(await burst(budget.calls('T1', 'chat.startStream'), true)).toBe(3);
    const next = await budget.calls('T1', 'chat.startStream')(true);
    expect(next).toBeGreaterThan(2900);
    expect(next).toBeLessThanOrEqual(3000);
    // The starts spent leave the stops, the appends and another workspace untouched.
    expect(await burst(budget.calls('T1', 'chat.stopStream'), true)).toBe(3);
    expect(await burst(budget.calls('T1', 'chat.appendStream'), true)).toBe(17);
    expect(await burst(budget.calls('T2', 'chat.startStream'), true)).toBe(3);
  });

  it('keeps part of the appends for a stream kept waiting, out of reach of ordinary appends', async () => {
    const budget = new SlackBudget(storeOn(new MemoryBackend()), LIMITS, quiet);
    const appends = budget.calls('T1', 'chat.appendStream');
    expect(await burst(appends, false)).toBe(12);
    expect(await burst(appends, true)).toBe(5);
  });
});

describe('waiting for a permit', () => {
  it('resolves once the budget lets the call go', async () => {
    const answers = [30, 20, 0];
    const started = performance.now();
    await whenPermitted(async () => answers.shift() ?? 0, true);
    expect(answers).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('lets the call go when the store cannot say: a final state is never held back by an outage', async () => {
    const down = new SlackBudget(
      { takeToken: () => Promise.reject(new StoreUnavailableError(new Error('ECONNREFUSED'))) },
      LIMITS,
      quiet,
    );
    expect(await down.calls('T1', 'chat.stopStream')(true)).toBe(0);
    await whenPermitted(() => Promise.reject(new Error('no answer')), true);
  });
});
