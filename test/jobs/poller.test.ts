import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Deployment } from '../../src/jobs/client.js';
import { type DeploymentChange, type JobChange, type JobNotifier, JobPoller } from '../../src/jobs/poller.js';
import { type Job, signatureOf } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { JobWatch, Store } from '../../src/store/types.js';
import { type EmulatedJobs, startEmulatedJobs } from './emulated-jobs.js';

/** Watch threads as Slack would hold them: what was posted in each, and a Slack that can fail. */
class FakeThreads implements JobNotifier {
  readonly posted: { jobArn: string; channelId: string; change: JobChange }[] = [];
  /** The next posts fail: `before` posting (nothing reached the thread) or `after` (the answer was lost). */
  failures: ('before' | 'after')[] = [];

  async tell(watch: JobWatch, _job: Job, change: JobChange): Promise<void> {
    const failure = this.failures.shift();
    if (failure === 'before') throw new Error('Slack is unreachable');
    this.posted.push({ jobArn: watch.jobArn, channelId: watch.channelId, change });
    if (failure === 'after') throw new Error('the answer to chat.postMessage was lost');
  }

  async tellDeployment(watch: JobWatch, _deployment: Deployment, change: DeploymentChange): Promise<void> {
    this.posted.push({ jobArn: watch.jobArn, channelId: watch.channelId, change });
  }

  async alreadyTold(watch: JobWatch, signature: string): Promise<boolean> {
    return this.postsIn(watch.jobArn, watch.channelId).some((change) => change.current === signature);
  }

  postsIn(jobArn: string, channelId: string): JobChange[] {
    return this.posted
      .filter((post) => post.jobArn === jobArn && post.channelId === channelId)
      .map((post) => post.change);
  }
}

const INTERVAL_MS = 60_000;
const STARTED = 'InProgress|InProgress,NotStarted,NotStarted';
const VALIDATED = 'InProgress|Completed,InProgress,NotStarted';
const COMPLETED = 'Completed|Completed,Completed,Completed';

let emulated: EmulatedJobs;
const stores: Store[] = [];
const pollers: JobPoller[] = [];

beforeAll(async () => {
  emulated = await startEmulatedJobs();
});
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(() => emulated.stop());

function newStore(): Store {
  const store = storeOn(new MemoryBackend());
  stores.push(store);
  return store;
}

/** A poller as a replica runs it; `clock` stands in for Date.now, so a claim's age is set, not waited for. */
function newPoller(
  store: Store,
  notifier: JobNotifier,
  options: { intervalMs?: number; clock?: () => number } = {},
): JobPoller {
  const poller = new JobPoller({
    watches: store,
    jobs: emulated.jobs,
    notifier,
    intervalMs: options.intervalMs ?? INTERVAL_MS,
    logger: createLogger('silent'),
    channelAllowed: () => true,
    now: options.clock,
  });
  pollers.push(poller);
  return poller;
}

async function watchNewJob(store: Store, prefix: string, channelIds = ['CWATCH']) {
  const job = emulated.addJob(prefix);
  for (const channelId of channelIds) {
    await store.addWatch({
      jobArn: job.arn,
      teamId: 'T1',
      channelId,
      threadTs: '1.0',
      userId: 'UADA',
      lastSeen: signatureOf(await emulated.jobs.get(job.arn)),
    });
  }
  return job;
}

/** A store whose connection can be cut, as a replica's is when its process dies. */
function cuttable(store: Store): { store: Store; cut: () => void } {
  let cut = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        cut ? Promise.reject(new Error('connection lost')) : value.apply(target, args);
    },
  });
  return { store: proxy, cut: () => (cut = true) };
}

describe('the job poller', () => {
  it('elects one leader among replicas, and another replica takes over when the leader dies', async () => {
    const shared = newStore();
    const first = cuttable(shared);
    const second = cuttable(shared);
    const replicas = [
      { poller: newPoller(first.store, new FakeThreads(), { intervalMs: 100 }), cut: first.cut },
      { poller: newPoller(second.store, new FakeThreads(), { intervalMs: 100 }), cut: second.cut },
    ];
    for (const replica of replicas) replica.poller.start();
    await vi.waitFor(() => expect(replicas.some((replica) => replica.poller.isLeader)).toBe(true));
    expect(replicas.filter((replica) => replica.poller.isLeader)).toHaveLength(1);

    const leader = replicas.find((replica) => replica.poller.isLeader)!;
    const follower = replicas.find((replica) => replica !== leader)!;
    // Dead: it neither renews nor releases its lock, which must lapse on its own.
    leader.cut();
    await leader.poller.stop();
    await vi.waitFor(() => expect(follower.poller.isLeader).toBe(true), { timeout: 10_000 });
  });

  it('asks Bedrock for the job list once a poll, however many jobs are watched', async () => {
    const store = newStore();
    const threads = new FakeThreads();
    const poller = newPoller(store, threads);
    const watched = [];
    for (let index = 0; index < 5; index++) watched.push(await watchNewJob(store, 'counted'));
    const [lists, gets] = [
      emulated.callsOf('ListModelCustomizationJobs'),
      emulated.callsOf('GetModelCustomizationJob'),
    ];

    await poller.pollOnce();
    emulated.bedrock.advanceJobClock(60_000);
    await poller.pollOnce();

    expect(emulated.callsOf('ListModelCustomizationJobs') - lists).toBe(2);
    expect(emulated.callsOf('GetModelCustomizationJob') - gets).toBe(0);
    for (const job of watched) {
      expect(threads.postsIn(job.arn, 'CWATCH')).toEqual([{ previous: STARTED, current: VALIDATED }]);
    }
  });

  it('tells each change once in each watching channel, with two replicas polling at the same moment', async () => {
    const store = newStore();
    const threads = new FakeThreads();
    const replicas = [newPoller(store, threads), newPoller(store, threads)];
    const job = await watchNewJob(store, 'raced', ['CONE', 'CTWO']);

    emulated.bedrock.advanceJobClock(60_000);
    await Promise.all(replicas.map((poller) => poller.pollOnce()));
    await Promise.all(replicas.map((poller) => poller.pollOnce()));
    emulated.bedrock.advanceJobClock(60_000);
    await Promise.all(replicas.map((poller) => poller.pollOnce()));

    for (const channel of ['CONE', 'CTWO']) {
      expect(threads.postsIn(job.arn, channel).map((change) => change.current)).toEqual([
        VALIDATED,
        COMPLETED,
      ]);
    }
    expect((await store.listWatches()).some((watch) => watch.jobArn === job.arn)).toBe(false);
  });

  it('tells a change whose poller died before posting it, once its claim is old', async () => {
    const store = newStore();
    const threads = new FakeThreads();
    let now = 1_000_000;
    const poller = newPoller(store, threads, { clock: () => now });
    const job = await watchNewJob(store, 'orphaned');
    emulated.bedrock.advanceJobClock(60_000);
    threads.failures = ['before'];
    await poller.pollOnce();
    expect(threads.postsIn(job.arn, 'CWATCH')).toEqual([]);

    await poller.pollOnce();
    expect(threads.postsIn(job.arn, 'CWATCH')).toEqual([]);
    now += 3 * INTERVAL_MS;
    await poller.pollOnce();
    expect(threads.postsIn(job.arn, 'CWATCH')).toEqual([{ previous: STARTED, current: VALIDATED }]);
  });

  it('does not post again a change that reached the thread before its poller died', async () => {
    const store = newStore();
    const threads = new FakeThreads();
    let now = 1_000_000;
    const poller = newPoller(store, threads, { clock: () => now });
    const job = await watchNewJob(store, 'unconfirmed');
    emulated.bedrock.advanceJobClock(60_000);
    threads.failures = ['after'];
    await poller.pollOnce();

    now += 3 * INTERVAL_MS;
    await poller.pollOnce();
    await poller.pollOnce();
    expect(threads.postsIn(job.arn, 'CWATCH')).toHaveLength(1);
    const [watch] = (await store.listWatches()).filter((entry) => entry.jobArn === job.arn);
    expect(watch?.lastSeen).toBe(VALIDATED);
  });
});

describe('watched deployments', () => {
  /** A completed job's model deployed on demand now, watched in CDEPLOY from Creating. */
  async function watchNewDeployment(store: Store) {
    const job = emulated.addJob('deployed');
    emulated.bedrock.advanceJobClock(120_000);
    const modelArn = (await emulated.jobs.get(job.arn)).customModelArn ?? '';
    const arn = await emulated.jobs.deploy({ name: `${job.name}-od`, modelArn, token: job.name });
    await store.addWatch({
      jobArn: arn,
      teamId: 'T1',
      channelId: 'CDEPLOY',
      threadTs: '1.0',
      userId: 'UADA',
      lastSeen: 'Creating',
    });
    return arn;
  }

  it('tells a deployment’s thread once when it becomes Active, then stops watching it', async () => {
    const store = newStore();
    const threads = new FakeThreads();
    const poller = newPoller(store, threads);
    const arn = await watchNewDeployment(store);
    await poller.pollOnce();
    expect(threads.postsIn(arn, 'CDEPLOY')).toEqual([]);
    emulated.bedrock.advanceJobClock(60_000);
    await poller.pollOnce();
    await poller.pollOnce();
    expect(threads.postsIn(arn, 'CDEPLOY')).toEqual([{ previous: 'Creating', current: 'Active' }]);
    expect((await store.listWatches()).some((watch) => watch.jobArn === arn)).toBe(false);
  });

  it('still tells the jobs when Bedrock throttles a deployment read', async () => {
    const store = newStore();
    const threads = new FakeThreads();
    const poller = newPoller(store, threads);
    const deployment = await watchNewDeployment(store);
    const job = await watchNewJob(store, 'beside');
    emulated.bedrock.advanceJobClock(60_000);
    emulated.bedrock.throttleControlNext(1);
    await poller.pollOnce();
    expect(threads.postsIn(job.arn, 'CWATCH')).toEqual([{ previous: STARTED, current: VALIDATED }]);
    expect(threads.postsIn(deployment, 'CDEPLOY')).toEqual([]);
    await poller.pollOnce();
    expect(threads.postsIn(deployment, 'CDEPLOY')).toEqual([{ previous: 'Creating', current: 'Active' }]);
  });
});
