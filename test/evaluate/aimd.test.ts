import { describe, expect, it } from 'vitest';
import { AimdLimiter } from '../../src/evaluate/aimd.js';

describe('AIMD concurrency', () => {
  it('lets `limit` calls in at once and makes the next wait for a slot', async () => {
    const limiter = new AimdLimiter({ initial: 2, max: 8 });
    const first = await limiter.acquire();
    await limiter.acquire();
    let third = false;
    const waiting = limiter.acquire().then((ticket) => {
      third = true;
      return ticket;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(third).toBe(false);
    first.failed();
    await waiting;
    expect(third).toBe(true);
    expect(limiter.inFlight).toBe(2);
  });

  it('grows by one per round of successes, up to its maximum', async () => {
    const limiter = new AimdLimiter({ initial: 2, max: 3 });
    for (let call = 0; call < 2; call++) (await limiter.acquire()).succeeded();
    expect(limiter.limit).toBe(3);
    for (let call = 0; call < 10; call++) (await limiter.acquire()).succeeded();
    expect(limiter.limit).toBe(3);
  });

  it('halves on throttling, once per burst, never below its minimum', async () => {
    const limiter = new AimdLimiter({ initial: 8, max: 8 });
    const burst = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire()));
    for (const ticket of burst) ticket.throttled();
    expect(limiter.limit).toBe(4);
    for (let cut = 0; cut < 5; cut++) (await limiter.acquire()).throttled();
    expect(limiter.limit).toBe(1);
  });
});
