import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { RedisBackend } from '../../src/store/redis-backend.js';
import { storeOn } from '../../src/store/store.js';
import { type Store, StoreUnavailableError } from '../../src/store/types.js';
import { RedisCluster } from '../support/redis-cluster.js';
import { RedisServer } from '../support/redis-server.js';

const redis = new RedisServer();
const cluster = new RedisCluster();
beforeAll(() => Promise.all([redis.start(), cluster.start()]), 30_000);
afterAll(() => Promise.all([redis.stop(), cluster.stop()]));

const unique = () => Math.random().toString(36).slice(2);

describe.each([
  {
    name: 'Redis',
    open: async () => {
      const backend = new RedisBackend(redis.url);
      await backend.connect();
      return storeOn(backend);
    },
  },
  {
    name: 'Redis Cluster',
    open: async () => {
      const backend = new RedisBackend({ cluster: cluster.nodes.split(',') });
      await backend.connect();
      return storeOn(backend);
    },
  },
  { name: 'embedded', open: async () => storeOn(new MemoryBackend()) },
])('the $name store', ({ open }) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store.close());

  it('claims a Slack event once, however many deliveries race for it', async () => {
    const key = unique();
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimOnce(key, 60)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('lets `limit` hits through in a window and then says how long to wait', async () => {
    const key = unique();
    const results = await Promise.all(Array.from({ length: 5 }, () => store.hit(key, 3, 60)));
    expect(results.filter((result) => result.allowed)).toHaveLength(3);
    const refused = results.find((result) => !result.allowed);
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('shares a token bucket among racing takers, and keeps tokens for urgent ones', async () => {
    const key = unique();
    // One token every 2 s: the test takes far less, so nothing refills on the way.
    const urgent = { capacity: 4, perSecond: 0.5, keep: 0 };
    const ordinary = { ...urgent, keep: 2 };
    const waits = await Promise.all(Array.from({ length: 5 }, () => store.takeToken(key, ordinary)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(2);
    // The refused are told when one token more than the two kept will be there: within 2 s.
    for (const wait of waits.filter((wait) => wait > 0)) expect(wait).toBeLessThanOrEqual(2000);
    expect(await store.takeToken(key, urgent)).toBe(0);
    expect(await store.takeToken(key, urgent)).toBe(0);
    const empty = await store.takeToken(key, urgent);
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThanOrEqual(2000);
  });

  it('empties a token bucket for a while, for every taker: no token until then, then it refills', async () => {
    const key = unique();
    // One token every 100 ms, ten at most.
    const bucket = { capacity: 10, perSecond: 10, keep: 0 };
    expect(await store.takeToken(key, bucket)).toBe(0);
    await store.emptyBucket(key, bucket, 1000);
    // Nothing for the second asked, then the first token one refill later.
    const wait = await store.takeToken(key, bucket);
    expect(wait).toBeGreaterThan(1000);
    expect(wait).toBeLessThanOrEqual(1100);
    // A shorter wait asked meanwhile leaves the longer one standing.
    await store.emptyBucket(key, bucket, 200);
    expect(await store.takeToken(key, bucket)).toBeGreaterThan(1000);
  });

  it('adds spend atomically', async () => {
    const key = unique();
    await Promise.all(Array.from({ length: 20 }, () => store.addToTotal(key, 0.25, 60)));
    expect(await store.readTotal(key)).toBeCloseTo(5);
    expect(await store.readTotal(unique())).toBe(0);
  });

  it('keeps documents until they expire', async () => {
    const key = unique();
    await store.setJson(key, { answer: 42 }, 1);
    expect(await store.getJson(key)).toEqual({ answer: 42 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.getJson(key)).toBeUndefined();
  });

  it('keeps a conversation and a user’s preferences', async () => {
    const id = unique();
    const conversation = {
      modelId: 'amazon.nova-micro-v1:0',
      turns: [{ role: 'user' as const, text: 'hi' }],
      inputTokens: 1,
      outputTokens: 0,
      costUsd: 0,
    };
    await store.saveConversation(id, conversation, 60);
    expect(await store.getConversation(id)).toEqual(conversation);
    await store.setPreferences('T1', id, { compareModels: ['nova-micro', 'sonnet'] });
    await store.setPreferences('T1', id, { chatModel: 'haiku' });
    expect(await store.getPreferences('T1', id)).toEqual({
      compareModels: ['nova-micro', 'sonnet'],
      chatModel: 'haiku',
    });
    expect(await store.getPreferences('T1', unique())).toEqual({});
  });

  it('watches a job once per channel and advances its status exactly once', async () => {
    const jobArn = `arn:aws:bedrock:us-east-1:123:model-customization-job/${unique()}`;
    const watch = {
      jobArn,
      teamId: 'T1',
      channelId: 'C1',
      threadTs: '1.2',
      userId: 'U1',
      lastSeen: 'InProgress',
    };
    expect(await store.addWatch(watch)).toBe(true);
    expect(await store.addWatch(watch)).toBe(false);
    const advanced = await Promise.all([
      store.advanceWatch(jobArn, 'C1', 'InProgress', 'Completed'),
      store.advanceWatch(jobArn, 'C1', 'InProgress', 'Completed'),
    ]);
    expect(advanced.filter(Boolean)).toHaveLength(1);
    expect((await store.listWatches()).find((entry) => entry.jobArn === jobArn)?.lastSeen).toBe('Completed');
    expect(await store.removeWatch(jobArn, 'C1')).toBe(true);
    expect((await store.listWatches()).some((entry) => entry.jobArn === jobArn)).toBe(false);
  });

  it('gives a lock to one owner, renews it only for that owner, and frees it when it expires', async () => {
    const name = unique();
    const taken = await Promise.all([store.acquireLock(name, 'a', 300), store.acquireLock(name, 'b', 300)]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    const owner = taken[0] ? 'a' : 'b';
    const other = owner === 'a' ? 'b' : 'a';
    expect(await store.renewLock(name, other, 300)).toBe(false);
    expect(await store.renewLock(name, owner, 300)).toBe(true);
    expect(await store.releaseLock(name, other)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await store.acquireLock(name, other, 300)).toBe(true);
    expect(await store.releaseLock(name, other)).toBe(true);
  });

  it('counts votes', async () => {
    const key = unique();
    await Promise.all([
      store.increment(key, 'nova-micro', 1),
      store.increment(key, 'nova-micro', 1),
      store.increment(key, 'sonnet', 1),
    ]);
    expect(await store.readCounters(key)).toEqual({ 'nova-micro': 2, sonnet: 1 });
  });

  it('forgets a tally given a TTL once it expires, counted from its first increment', async () => {
    const key = unique();
    await store.increment(key, 'nova-micro', 1, 1);
    await store.increment(key, 'nova-micro', 1, 1);
    expect(await store.readCounters(key)).toEqual({ 'nova-micro': 2 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.readCounters(key)).toEqual({});
    expect(await store.increment(key, 'nova-micro', 1, 60)).toBe(1);
  });

  it('keeps the first record under a field, whoever races for it, and expires the set', async () => {
    const key = `records-${Math.random()}`;
    const kept = await Promise.all([1, 2, 3].map((n) => store.addRecord(key, 'row-1', { n }, 1)));
    expect(kept.filter(Boolean)).toHaveLength(1);
    await store.addRecord(key, 'row-2', { n: 4 }, 1);
    const records = await store.readRecords(key);
    expect(Object.keys(records).sort()).toEqual(['row-1', 'row-2']);
    expect(records['row-2']).toEqual({ n: 4 });
    await store.removeRecord(key, 'row-2');
    expect(Object.keys(await store.readRecords(key))).toEqual(['row-1']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.readRecords(key)).toEqual({});
  });

  it('answers ping', async () => {
    expect(await store.ping()).toBe(true);
  });
});

describe('the Redis store when Redis is down', () => {
  it('fails fast with StoreUnavailableError and reports itself unhealthy', async () => {
    const server = new RedisServer();
    await server.start();
    const backend = new RedisBackend(server.url);
    await backend.connect();
    const store = storeOn(backend);
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await expect(store.claimOnce('x', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await store.ping()).toBe(false);
    await store.close();
  });
});

describe('a Redis Cluster named as one Redis', () => {
  it('is named as the mistake it is, at start, on every command and in /healthz', async () => {
    // One node's URL: a plain client reaches it, but most keys live on the other nodes (MOVED).
    const backend = new RedisBackend(`redis://127.0.0.1:${cluster.ports[0]}`);
    const connected = await backend.connect();
    expect(!connected.ok && connected.problem.message).toContain('set REDIS_CLUSTER_NODES');
    const store = storeOn(backend);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => store.claimOnce(`key-${index}`, 60)),
    );
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain('set REDIS_CLUSTER_NODES');
    expect(await store.ping()).toBe(false);
    // The cluster client reaches every key, /healthz's among them.
    const clustered = new RedisBackend({ cluster: cluster.nodes.split(',') });
    await clustered.connect();
    expect(await storeOn(clustered).ping()).toBe(true);
    await Promise.all([store.close(), clustered.close()]);
  });
});
