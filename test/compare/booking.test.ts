import { describe, expect, it } from 'vitest';
import { CompareBooking } from '../../src/compare/booking.js';
import { Leaderboard } from '../../src/compare/leaderboard.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { StoreUnavailableError } from '../../src/store/types.js';
import { UsageGuard } from '../../src/usage/guard.js';
import { UsageLedger, WORKSPACE } from '../../src/usage/ledger.js';
import { compareRun, modelRun } from './fixtures.js';

/** What a booking writes to, on one embedded store, at 10:00 UTC on 2026-11-25. */
function bookingParts() {
  const store = storeOn(new MemoryBackend());
  const now = new Date('2026-11-25T10:00:00Z');
  const limits = { userPerMinute: 10, teamPerMinute: 10, dailySpendCapUsd: 1 };
  return {
    store,
    guard: new UsageGuard(store, limits, () => now),
    leaderboard: new Leaderboard(store),
    usage: new UsageLedger(store, () => now),
  };
}

describe('booking a finished compare', () => {
  it('counts its spend and its leaderboard run once each, even when a first try fails half-way', async () => {
    const { store, guard, leaderboard, usage } = bookingParts();
    let outage = true;
    // The store goes away after the spend was written, before the leaderboard's run was.
    const flakyLeaderboard = {
      recordRun: async (run: Parameters<Leaderboard['recordRun']>[0]) => {
        if (outage) throw new StoreUnavailableError(new Error('ECONNREFUSED'));
        await leaderboard.recordRun(run);
      },
    };
    const booking = new CompareBooking({ spend: guard, leaderboard: flakyLeaderboard, usage });
    const run = compareRun([
      modelRun('nova-micro', { costUsd: 0.25 }),
      modelRun('nova-lite', { costUsd: 0.5 }),
    ]);

    const book = booking.of(run);
    await expect(book()).rejects.toThrow(StoreUnavailableError);
    outage = false;
    await book();
    await book();

    expect(await store.readTotal('spend:T1:U1:2026-11-25')).toBe(0.75);
    expect((await leaderboard.standings('T1')).map((standing) => standing.runs)).toEqual([1, 1]);
    const today = await usage.report('T1', 'U1', 'day');
    expect(today.models.map(({ modelId, requests, costUsd }) => ({ modelId, requests, costUsd }))).toEqual([
      { modelId: 'nova-lite', requests: 1, costUsd: 0.5 },
      { modelId: 'nova-micro', requests: 1, costUsd: 0.25 },
    ]);
    expect((await usage.report('T1', WORKSPACE, 'month')).costUsd).toBe(0.75);
  });
});

describe('booking a compare of a custom model on Provisioned Throughput', () => {
  it('books its call as billed hourly: no spend, no per-token cost, no median cost, and not as unknown', async () => {
    const { store, guard, leaderboard, usage } = bookingParts();
    const booking = new CompareBooking({ spend: guard, leaderboard, usage });
    const run = compareRun([
      modelRun('amazon.nova-micro-v1:0', {
        label: 'helpdesk (custom)',
        invokeId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123xyz',
        // As the previous version priced it: its base model's per-token rate.
        costUsd: 0.25,
      }),
    ]);

    await booking.of(run)();

    expect(await store.readTotal('spend:T1:U1:2026-11-25')).toBe(0);
    const today = await usage.report('T1', 'U1', 'day');
    expect(today).toMatchObject({ requests: 1, costUsd: 0, unpricedRequests: 0, hourlyRequests: 1 });
    expect(today.models).toEqual([expect.objectContaining({ requests: 1, costUsd: 0, hourlyRequests: 1 })]);
    expect((await leaderboard.standings('T1'))[0]).toMatchObject({ runs: 1, medianCostUsd: undefined });
  });
});
