import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWatching } from '../../src/jobs/watching.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { type EmulatedJobs, startEmulatedJobs } from './emulated-jobs.js';

let emulated: EmulatedJobs;
let store: Store;
let watching: JobWatching;
const ada = { teamId: 'T1', userId: 'UADA', channelId: 'CJOBS' };

beforeAll(async () => {
  emulated = await startEmulatedJobs();
  store = storeOn(new MemoryBackend());
  watching = new JobWatching(emulated.jobs, store);
});
afterAll(async () => {
  await store.close();
  await emulated.stop();
});

describe('watching a job', () => {
  it('starts a watch from the job as it is now, in the thread it was given', async () => {
    const job = emulated.addJob('watched');
    const watchable = await watching.watchable(job.name, ada.channelId);
    if (!watchable.ok) throw new Error(watchable.problem.message);
    await watching.start(watchable.value, ada, '1700000000.000100');
    expect((await store.listWatches()).find((watch) => watch.jobArn === job.arn)).toEqual({
      jobArn: job.arn,
      teamId: 'T1',
      channelId: 'CJOBS',
      threadTs: '1700000000.000100',
      userId: 'UADA',
      lastSeen: 'InProgress|InProgress,NotStarted,NotStarted',
    });
    expect(await watching.isWatched(job.arn, 'CJOBS')).toBe(true);
    expect(await watching.isWatched(job.arn, 'COTHER')).toBe(false);
  });

  it('refuses a job already watched in the channel, a finished job and a job that does not exist', async () => {
    const job = emulated.addJob('twice');
    const first = await watching.watchable(job.arn, ada.channelId);
    if (!first.ok) throw new Error(first.problem.message);
    await watching.start(first.value, ada, '1.0');
    expect(await watching.watchable(job.name, ada.channelId)).toEqual({
      ok: false,
      problem: { kind: 'conflict', message: `*${job.name}* is already watched in this channel.` },
    });
    expect((await watching.watchable(job.name, 'COTHER')).ok).toBe(true);

    const done = emulated.addJob('done');
    emulated.bedrock.advanceJobClock(120_000);
    expect(await watching.watchable(done.name, ada.channelId)).toEqual({
      ok: false,
      problem: {
        kind: 'conflict',
        message: `*${done.name}* has already finished (Completed); there is nothing left to watch.`,
      },
    });
    const missing = await watching.watchable('no-such-job', ada.channelId);
    expect(missing.ok ? undefined : missing.problem.message).toContain(
      'I can’t find a customization job called `no-such-job`',
    );
  });

  it('ends a watch named by job name, ARN or job ID, in this channel only', async () => {
    const watchNew = async (prefix: string) => {
      const job = emulated.addJob(prefix);
      const found = await watching.watchable(job.arn, ada.channelId);
      if (!found.ok) throw new Error(found.problem.message);
      await watching.start(found.value, ada, '2.0');
      return job;
    };
    const byName = await watchNew('by-name');
    const byArn = await watchNew('by-arn');
    const byId = await watchNew('by-id');
    expect(await watching.stop(byName.name, 'COTHER')).toEqual({
      ok: false,
      problem: { kind: 'conflict', message: `\`${byName.name}\` is not watched in this channel.` },
    });
    expect(await watching.stop(byName.name, ada.channelId)).toEqual({ ok: true, value: undefined });
    expect(await watching.stop(byArn.arn, ada.channelId)).toEqual({ ok: true, value: undefined });
    expect(await watching.stop(byId.arn.split('/').at(-1) ?? '', ada.channelId)).toEqual({
      ok: true,
      value: undefined,
    });
    const left = (await store.listWatches()).map((watch) => watch.jobArn);
    for (const job of [byName, byArn, byId]) expect(left).not.toContain(job.arn);
  });
});
