import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { UsageLedger, WORKSPACE } from '../../src/usage/ledger.js';

describe('the usage ledger', () => {
  it('counts requests, tokens and cost per model, per person and workspace, by UTC day and month', async () => {
    const store = storeOn(new MemoryBackend());
    let now = new Date('2026-12-06T23:59:00Z');
    const told: string[] = [];
    const ledger = new UsageLedger(
      store,
      () => now,
      (teamId, userId) => told.push(`${teamId}/${userId}`),
    );

    await ledger.record('T1', 'U1', [
      { modelId: 'amazon.nova-micro-v1:0', inputTokens: 10, outputTokens: 30, costUsd: 0.0000042 },
      { modelId: 'custom-model', inputTokens: 5, outputTokens: 7 },
    ]);
    now = new Date('2026-12-07T00:01:00Z');
    await ledger.record('T1', 'U2', [
      { modelId: 'amazon.nova-micro-v1:0', inputTokens: 1, outputTokens: 2, costUsd: 0.5 },
    ]);

    const today = await ledger.report('T1', 'U1', 'day');
    expect(today.requests).toBe(0);
    const month = await ledger.report('T1', 'U1', 'month');
    expect(month.models).toEqual([
      {
        modelId: 'amazon.nova-micro-v1:0',
        requests: 1,
        inputTokens: 10,
        outputTokens: 30,
        costUsd: 0.0000042,
        unpricedRequests: 0,
        hourlyRequests: 0,
      },
      // No known price: counted as such, never as $0 spent.
      {
        modelId: 'custom-model',
        requests: 1,
        inputTokens: 5,
        outputTokens: 7,
        costUsd: 0,
        unpricedRequests: 1,
        hourlyRequests: 0,
      },
    ]);
    const workspace = await ledger.report('T1', WORKSPACE, 'month');
    expect(workspace).toMatchObject({ requests: 3, inputTokens: 16, outputTokens: 39, unpricedRequests: 1 });
    expect(workspace.costUsd).toBeCloseTo(0.5000042, 12);
    expect((await ledger.report('T1', WORKSPACE, 'day')).requests).toBe(1);
    expect(told).toEqual(['T1/U1', 'T1/U2']);
  });
});
