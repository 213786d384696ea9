import { describe, expect, it } from 'vitest';
import { StreamPacer } from '../../../src/slack/kit/stream-pacer.js';

describe('pacing the calls of streamed messages', () => {
  it('lets a stream call at once, then once a second', () => {
    let now = 10_000;
    const pacer = new StreamPacer(1000, 100, () => now);
    expect(pacer.delay('T1', Number.NEGATIVE_INFINITY, false)).toBe(0);
    const startedAt = now;
    now += 300;
    expect(pacer.delay('T1', startedAt, true)).toBe(700);
  });

  it('spaces the appends of all a workspace’s streams to Slack’s 100 a minute, other workspaces apart', () => {
    let now = 10_000;
    const pacer = new StreamPacer(1000, 100, () => now);
    pacer.appended('T1');
    now += 100;
    // Another stream of the same workspace waits for the next slot, 0.6 s after the last append.
    expect(pacer.delay('T1', Number.NEGATIVE_INFINITY, true)).toBe(500);
    // Starting a stream is not an append.
    expect(pacer.delay('T1', Number.NEGATIVE_INFINITY, false)).toBe(0);
    expect(pacer.delay('T2', Number.NEGATIVE_INFINITY, true)).toBe(0);
  });
});
