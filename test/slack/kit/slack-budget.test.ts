import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, slackLogger } from '../../../src/logger.js';
import { LocalSlack } from '../../../src/playground/local-slack.js';
import { SlackBudget, whenPermitted } from '../../../src/slack/kit/slack-budget.js';
import { webClientOptions } from '../../../src/slack/kit/web-client-options.js';
import { MemoryBackend } from '../../../src/store/memory-backend.js';
import { RedisBackend } from '../../../src/store/redis-backend.js';
import { storeOn } from '../../../src/store/store.js';
import { type Store, StoreUnavailableError } from '../../../src/store/types.js';
import { LogCapture } from '../../support/harness.js';
import { RedisServer } from '../../support/redis-server.js';

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
    expect(await burst(budget.calls({ teamId: 'T1', channelId: 'C1' }, 'chat.startStream'), true)).toBe(3);
    const next = await budget.calls({ teamId: 'T1', channelId: 'C1' }, 'chat.startStream')(true);
    expect(next).toBeGreaterThan(2900);
    expect(next).toBeLessThanOrEqual(3000);
    // The starts spent leave the stops, the appends and another workspace untouched.
    expect(await burst(budget.calls({ teamId: 'T1', channelId: 'C1' }, 'chat.stopStream'), true)).toBe(3);
    expect(await burst(budget.calls({ teamId: 'T1', channelId: 'C1' }, 'chat.appendStream'), true)).toBe(17);
    expect(await burst(budget.calls({ teamId: 'T2', channelId: 'C2' }, 'chat.startStream'), true)).toBe(3);
  });

  it('keeps part of the appends for a stream kept waiting, out of reach of ordinary appends', async () => {
    const budget = new SlackBudget(storeOn(new MemoryBackend()), LIMITS, quiet);
    const appends = budget.calls({ teamId: 'T1', channelId: 'C1' }, 'chat.appendStream');
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
      {
        takeToken: () => Promise.reject(new StoreUnavailableError(new Error('ECONNREFUSED'))),
        emptyBucket: () => Promise.reject(new StoreUnavailableError(new Error('ECONNREFUSED'))),
      },
      LIMITS,
      quiet,
    );
    expect(await down.calls({ teamId: 'T1', channelId: 'C1' }, 'chat.stopStream')(true)).toBe(0);
    await whenPermitted(() => Promise.reject(new Error('no answer')), true);
  });
});

describe('a 429 Slack answers one replica', () => {
  const redis = new RedisServer();
  const slack = new LocalSlack();
  const stores: Store[] = [];
  beforeAll(() => Promise.all([redis.start(), slack.start()]));
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all([redis.stop(), slack.stop()]);
  });

  /** One replica's Slack client and budget, on the Redis every replica shares. */
  async function replica() {
    const backend = new RedisBackend(redis.url);
    await backend.connect();
    const store = storeOn(backend);
    stores.push(store);
    const client = new WebClient(
      'xoxb-test',
      webClientOptions(slack.apiUrl, slackLogger(createLogger('error', new LogCapture()))),
    );
    const budget = new SlackBudget(store, LIMITS, quiet);
    budget.follow(client);
    return { client, budget };
  }

  it('holds that method in that workspace for Retry-After on every replica, not only the one refused', async () => {
    const [first, second] = [await replica(), await replica()];
    const place = { teamId: 'T9', channelId: 'C9' };
    const updates = first.budget.calls(place, 'chat.update');
    expect(await updates(true)).toBe(0);
    slack.rateLimitNext('chat.update', 1);

    // The first replica's update is refused with Retry-After: 1; its client waits and sends it again.
    const updated = first.client.chat.update({ channel: 'C9', ts: '1.000100', text: 'more' });
    const secondsUpdates = second.budget.calls(place, 'chat.update');
    const wait = await slack.waitFor(async () => {
      const later = await secondsUpdates(true);
      return later > 0 && later;
    });
    // The second replica, never refused itself, waits out the same second (and a token's refill).
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(1000 + 60_000 / LIMITS.updatesPerMinute);
    // Other methods and other workspaces keep their budgets.
    expect(await second.budget.calls(place, 'chat.appendStream')(true)).toBe(0);
    expect(await second.budget.calls({ teamId: 'T8', channelId: 'C8' }, 'chat.update')(true)).toBe(0);
    expect((await updated).ok).toBe(true);
  });
});
