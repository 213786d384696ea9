import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SlackMessage, slackMessage } from '../src/slack/blocks/message.js';
import { ThrottledMessage } from '../src/slack/throttled-message.js';

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

  it('sends the final state shortly after the last update, replacing anything still pending', async () => {
    live.update(() => message('partial'));
    await vi.advanceTimersByTimeAsync(0);
    live.update(() => message('stale'));
    const finished = live.finish(message('final'));
    await vi.advanceTimersByTimeAsync(100);
    await finished;
    expect(sent.map((update) => update.text)).toEqual(['partial', 'final']);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBe(100);
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
});
