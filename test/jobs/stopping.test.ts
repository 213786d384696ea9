import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobAccess } from '../../src/jobs/access.js';
import { JobStopping } from '../../src/jobs/stopping.js';
import { type EmulatedJobs, startEmulatedJobs } from './emulated-jobs.js';

let emulated: EmulatedJobs;
let stopping: JobStopping;
const noGroups = { membersOf: async () => [] };
const where = (userId: string) => ({ teamId: 'T1', userId, channelId: 'CJOBS' });

beforeAll(async () => {
  emulated = await startEmulatedJobs();
  const access = new JobAccess({ allowedChannels: [], allowedUsers: [], stoppers: ['USTOP'] }, noGroups);
  stopping = new JobStopping(emulated.jobs, access);
});
afterAll(() => emulated.stop());

const statusOf = async (arn: string) => (await emulated.jobs.get(arn)).status;

describe('stopping a job', () => {
  it('stops a running job for a stopper', async () => {
    const job = emulated.addJob('running');
    expect(await stopping.stop(job.arn, where('USTOP'))).toEqual({ ok: true, value: undefined });
    expect(await statusOf(job.arn)).toBe('Stopping');
  });

  it('refuses someone who is not on FINETUNE_STOPPERS, and leaves the job running', async () => {
    const job = emulated.addJob('kept');
    expect(await stopping.stop(job.arn, where('UEVE'))).toEqual({
      ok: false,
      problem: {
        kind: 'forbidden',
        message: 'You may not stop customization jobs. Ask whoever runs this app (FINETUNE_STOPPERS).',
      },
    });
    expect(await statusOf(job.arn)).toBe('InProgress');
  });

  it('says a finished job has nothing to stop, and a stopping job is already stopping', async () => {
    const done = emulated.addJob('done');
    emulated.bedrock.advanceJobClock(120_000);
    expect(await stopping.stop(done.arn, where('USTOP'))).toEqual({
      ok: false,
      problem: {
        kind: 'conflict',
        message: `*${done.name}* already finished (Completed): there is nothing to stop.`,
      },
    });
    const twice = emulated.addJob('twice');
    await stopping.stop(twice.arn, where('USTOP'));
    expect(await stopping.stop(twice.arn, where('USTOP'))).toEqual({
      ok: false,
      problem: { kind: 'conflict', message: `*${twice.name}* is already stopping.` },
    });
  });

  it('says plainly that a job which does not exist cannot be found', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:model-customization-job/gone/abc';
    const stopped = await stopping.stop(arn, where('USTOP'));
    expect(stopped.ok ? undefined : stopped.problem.message).toContain(
      `I can’t find a customization job called \`${arn}\``,
    );
  });
});
