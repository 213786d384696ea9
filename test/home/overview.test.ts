import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/bedrock/pricing.js';
import { Leaderboard } from '../../src/compare/leaderboard.js';
import { CompareRequests } from '../../src/compare/request.js';
import { ChannelDefaults } from '../../src/defaults/channel-settings.js';
import { HomeOverviews } from '../../src/home/overview.js';
import type { Throughput } from '../../src/jobs/client.js';
import { silentLogger } from '../../src/logger.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { UsageGuard } from '../../src/usage/guard.js';
import { UsageLedger } from '../../src/usage/ledger.js';

const BASE = 'amazon.nova-micro-v1:0:128k';
const throughput = (name: string, commitment?: string): Throughput => ({
  name,
  arn: `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${name}`,
  modelArn: `arn:aws:bedrock:us-east-1:123456789012:custom-model/${BASE}/tuned`,
  foundationModelArn: `arn:aws:bedrock:us-east-1::foundation-model/${BASE}`,
  modelUnits: 3,
  status: 'InService',
  commitment,
});

function overviews(listing: () => Promise<Throughput[]>, now: () => number) {
  const store = storeOn(new MemoryBackend());
  const limits = { userPerMinute: 10, teamPerMinute: 10, dailySpendCapUsd: 5 };
  const channels = new ChannelDefaults(store, silentLogger);
  return new HomeOverviews(
    {
      usage: new UsageLedger(store),
      guard: new UsageGuard(store, limits),
      dailyCapUsd: 5,
      requests: new CompareRequests({
        preferences: store,
        channels,
        defaultModels: ['nova-micro', 'haiku'],
        maxModels: 6,
      }),
      preferences: store,
      defaultChatModel: 'haiku',
      leaderboard: new Leaderboard(store),
      watches: store,
      throughputs: listing,
      jobs: async () => [],
      prices: new PriceBook({
        [BASE]: { inputPerMillionUsd: 1, outputPerMillionUsd: 1, provisionedPerHourUsd: 20 },
      }),
      mayListJobs: async (_teamId, userId) => userId !== 'UNOTLISTED',
      admins: ['UADMIN'],
    },
    now,
  );
}

describe('what App Home shows', () => {
  it('asks Bedrock for throughputs once a minute however many Homes are opened, and prices them per model unit', async () => {
    let calls = 0;
    let now = 0;
    const home = overviews(
      async () => {
        calls += 1;
        return [throughput('open-pt'), throughput('committed-pt', 'OneMonth')];
      },
      () => now,
    );

    const shown = await Promise.all(['U1', 'U2', 'U3'].map((user) => home.of('T1', user)));
    expect(calls).toBe(1);
    const listing = shown[0]?.throughputs;
    expect(listing?.ok && listing.value.map((entry) => [entry.name, entry.hourlyUsd])).toEqual([
      ['open-pt', 60],
      // A commitment is priced per term, which the table does not know.
      ['committed-pt', undefined],
    ]);
    now = 61_000;
    await home.of('T1', 'U1');
    expect(calls).toBe(2);
  });

  it('says why throughputs could not be listed, and asks again next time; hides them from who may not see jobs', async () => {
    let fail = true;
    const home = overviews(
      async () => {
        if (fail) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        return [];
      },
      () => 0,
    );
    expect((await home.of('T1', 'U1')).throughputs).toEqual({ ok: false, problem: 'AccessDeniedException' });
    fail = false;
    expect((await home.of('T1', 'U1')).throughputs).toEqual({ ok: true, value: [] });
    expect((await home.of('T1', 'UNOTLISTED')).throughputs).toBeUndefined();
  });

  it('shows the workspace’s totals to admins only, and the workspace defaults as such', async () => {
    const home = overviews(
      async () => [],
      () => 0,
    );
    expect((await home.of('T1', 'UADMIN')).workspace).toBeDefined();
    const someone = await home.of('T1', 'U1');
    expect(someone.workspace).toBeUndefined();
    expect(someone.defaults).toEqual({
      compareModels: ['nova-micro', 'haiku'],
      compareIsWorkspaceDefault: true,
      chatModel: 'haiku',
      chatIsWorkspaceDefault: true,
    });
  });
});
