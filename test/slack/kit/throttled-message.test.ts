import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SlackMessage, slackMessage } from '../../../src/slack/kit/message.js';
import { deliverFinal, ThrottledMessage } from '../../../src/slack/kit/throttled-message.js';

const message = (text: string): SlackMessage => slackMessage({ text, blocks: [] });

describe('a message kept in step with a stream', () => {
  let sent: { text: string; at: number }[];
  let live: ThrottledMessage;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    live = new ThrottledMessage(
      async (update) => {
        sent.push({ text: update.text, at: Date.now() });
      },
      () => {},
      1000,
      () => Date.now(),
    );
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first change at once, then at most one update a second with the newest state', async () => {
    const start = Date.now();
    live.update(() => message('token 1'));
    await vi.advanceTimersByTimeAsync(0);
    for (let token = 2; token <= 30; token++) {
      live.update(() => message(`token ${token}`));
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent[0]).toEqual({ text: 'token 1', at: start });
    for (let index = 1; index < sent.length; index++) {
      expect((sent[index]?.at ?? 0) - (sent[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.at(-1)?.text).toBe('token 30');
  });

  it('sends the final state an interval after the last update, replacing anything still pending', async () => {
    live.update(() => message('partial'));
    await vi.advanceTimersByTimeAsync(0);
    live.update(() => message('stale'));
    const finished = live.finish(message('final'));
    await vi.advanceTimersByTimeAsync(1000);
    await finished;
    expect(sent.map((update) => update.text)).toEqual(['partial', 'final']);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBe(1000);
  });

  it('does not send the final state again when the last streaming update already showed it', async () => {
    live.update(() => message('done'));
    await vi.advanceTimersByTimeAsync(0);
    const finished = live.finish(message('done'));
    await vi.advanceTimersByTimeAsync(100);
    await finished;
    expect(sent.map((update) => update.text)).toEqual(['done']);
    expect(live.isFinal).toBe(true);
  });

  it('throws when the final update fails, so the caller can send it again', async () => {
    const failing = new ThrottledMessage(
      async () => Promise.reject(new Error('slack down')),
      () => {},
      1000,
      () => Date.now(),
    );
    await expect(failing.finish(message('final'))).rejects.toThrow('slack down');
  });

  it('never lets a streaming update queued before the final state overwrite it', async () => {
    live.update(() => message('writing… 1'));
    await vi.advanceTimersByTimeAsync(0);
    live.update(() => message('writing… 2'));
    const finished = live.finish(message('Redis is down'));
    live.update(() => message('writing… 3'));
    await vi.advanceTimersByTimeAsync(1000);
    await finished;
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.map((update) => update.text)).toEqual(['writing… 1', 'Redis is down']);
  });

  it('waits for the workspace’s budget, urgent updates and the final state drawing on what ordinary ones leave', async () => {
    const asked: boolean[] = [];
    let budget = 0;
    const budgeted = new ThrottledMessage(
      async (update) => {
        sent.push({ text: update.text, at: Date.now() });
      },
      () => {},
      1000,
      () => Date.now(),
      async (urgent) => {
        asked.push(urgent);
        // Ordinary updates find the budget spent until a token comes back after 3 s.
        if (urgent || budget > 0) return 0;
        budget += 1;
        return 3000;
      },
    );
    budgeted.update(() => message('first token'), true);
    await vi.advanceTimersByTimeAsync(0);
    budgeted.update(() => message('more text'));
    await vi.advanceTimersByTimeAsync(1000);
    budgeted.update(() => message('even more text'));
    // Asked again 3 to 6 s later (spread out so waiting messages do not all ask at once).
    await vi.advanceTimersByTimeAsync(6000);
    expect(sent.map((update) => update.text)).toEqual(['first token', 'even more text']);
    expect(asked).toEqual([true, false, false]);
    const finished = budgeted.finish(message('final'));
    await vi.advanceTimersByTimeAsync(1000);
    await finished;
    expect(sent.at(-1)?.text).toBe('final');
    expect(asked.at(-1)).toBe(true);
  });

  it('sends the final state when the store cannot say what the budget allows', async () => {
    const storeDown = new ThrottledMessage(
      async (update) => {
        sent.push({ text: update.text, at: Date.now() });
      },
      () => {},
      1000,
      () => Date.now(),
      async () => Promise.reject(new Error('store unreachable')),
    );
    await storeDown.finish(message('final'));
    expect(sent.map((update) => update.text)).toEqual(['final']);
  });

  it('keeps the first final state that lands: a later one is not sent', async () => {
    const stopped = live.finish(message('stopped: the app restarted'));
    await vi.advanceTimersByTimeAsync(0);
    await stopped;
    const whole = live.finish(message('the whole answer'));
    await vi.advanceTimersByTimeAsync(5000);
    await whole;
    expect(sent.map((update) => update.text)).toEqual(['stopped: the app restarted']);
    expect(live.isFinal).toBe(true);
  });
});

describe('bringing a message to its final state', () => {
  afterEach(() => vi.useRealTimers());

  it('retries a failing final update until Slack takes it, and posts it afresh once the deadline passes', async () => {
    vi.useFakeTimers();
    // Each attempt waits the message's one-second interval after the one before.
    const timing = { backoffMs: 100, deadlineMs: 5000 };
    let failuresLeft = 3;
    const updates: string[] = [];
    const flaky = new ThrottledMessage(
      async (update) => {
        if (failuresLeft-- > 0) throw new Error('internal_error');
        updates.push(update.text);
      },
      () => {},
      1000,
      () => Date.now(),
    );
    const fresh: string[] = [];
    const delivered = deliverFinal(
      flaky,
      message('final'),
      async (m) => fresh.push(m.text),
      timing,
      () => {},
    );
    await vi.advanceTimersByTimeAsync(7000);
    await delivered;
    expect(updates).toEqual(['final']);
    expect(fresh).toEqual([]);

    const down = new ThrottledMessage(
      async () => Promise.reject(new Error('internal_error')),
      () => {},
      1000,
      () => Date.now(),
    );
    const reposted = deliverFinal(
      down,
      message('final'),
      async (m) => fresh.push(m.text),
      timing,
      () => {},
    );
    await vi.advanceTimersByTimeAsync(7000);
    await reposted;
    expect(fresh).toEqual(['final']);
  });
});
