import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../src/playground/local-slack.js';
import { keys } from '../src/store/keys.js';
import { type Bench, startBench } from './support/harness.js';
import { RedisCluster } from './support/redis-cluster.js';

const cluster = new RedisCluster();
let bench: Bench;

beforeAll(async () => {
  await cluster.start();
  bench = await startBench({ redis: false, env: { REDIS_CLUSTER_NODES: cluster.nodes } });
}, 30_000);
afterAll(async () => {
  await bench?.stop();
  await cluster.stop();
});

describe('the app on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  it('runs a compare to its final state and keeps it, with /healthz healthy', async () => {
    expect(bench.app.store.kind).toBe('redis');
    bench.bedrock.script('amazon.nova-micro-v1:0', { answer: 'Nova on a cluster.', tokensPerSecond: 100 });
    bench.bedrock.script('amazon.nova-lite-v1:0', { answer: 'Lite on a cluster.', tokensPerSecond: 100 });
    const ack = await bench.sender.command('/compare', 'nova-micro nova-lite Which store?', {
      channelId: 'CCLUSTER',
    });
    expect(ack.status).toBe(200);
    const final = await bench.slack.updateShowing('CCLUSTER', 'Summary');
    expect(visibleText(final.args.blocks)).toContain('Nova on a cluster.');
    expect(visibleText(final.args.blocks)).toContain('Lite on a cluster.');

    // The run was stored on the cluster, where its buttons read it back.
    const actions = (final.args.blocks as { type: string; elements?: { value?: string }[] }[]).find(
      (block) => block.type === 'actions',
    );
    const runId = (JSON.parse(actions?.elements?.[0]?.value ?? '{}') as { run?: string }).run;
    expect(runId).toBeDefined();
    expect(await bench.app.store.getJson(keys.compareRun(runId ?? '').key)).toMatchObject({
      data: { prompt: 'Which store?' },
    });

    const health = await fetch(`${bench.appUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});
