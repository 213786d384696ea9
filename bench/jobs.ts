/**
 * Job poller cost on the offline bench: Bedrock control-plane calls per poll for 1, 10 and 100
 * watched jobs (among 50 unwatched ones), when nothing changed, when every job moved to another
 * stage, and when every job finished (finished jobs need their details and the throughput list).
 */
import { JobsClient } from '../src/jobs/client.js';
import { signatureOf } from '../src/jobs/types.js';
import type { JobPhase } from '../src/playground/bedrock-simulator.js';
import { startBench } from '../test/support/harness.js';

const TIMELINE: JobPhase[] = [
  { afterMs: 0, status: 'InProgress', stages: { validation: 'InProgress' } },
  {
    afterMs: 60_000,
    status: 'InProgress',
    stages: { validation: 'Completed', dataProcessing: 'InProgress' },
  },
  {
    afterMs: 120_000,
    status: 'Completed',
    stages: { validation: 'Completed', dataProcessing: 'Completed', training: 'Completed' },
  },
];

export async function benchJobs(): Promise<void> {
  const bench = await startBench({ redis: false, overrides: { pollIntervalMs: 3_600_000 } });
  const jobs = new JobsClient(bench.app.bedrock.control);
  const rows: string[] = [];
  /** Counted where Bedrock receives them, so nothing in the app has to count for the bench. */
  const callsOfOnePoll = async () => {
    const before = bench.bedrock.controlCalls.length;
    await bench.app.poller.pollOnce();
    return bench.bedrock.controlCalls.length - before;
  };
  try {
    for (let index = 0; index < 50; index++) {
      bench.bedrock.addJob({
        name: `other-${index}`,
        baseModelId: 'amazon.nova-micro-v1:0:128k',
        customModelName: `o${index}`,
        timeline: TIMELINE,
      });
    }
    for (const watched of [1, 10, 100]) {
      for (let index = 0; index < watched; index++) {
        const name = `w${watched}-${index}`;
        const jobArn = bench.bedrock.addJob({
          name,
          baseModelId: 'amazon.nova-micro-v1:0:128k',
          customModelName: name,
          timeline: TIMELINE,
        });
        await bench.app.store.addWatch({
          jobArn,
          teamId: 'T0001',
          channelId: 'CBENCH',
          threadTs: `${index}.0`,
          userId: 'U0001',
          lastSeen: signatureOf(await jobs.get(jobArn)),
        });
      }
      const steady = await callsOfOnePoll();
      bench.bedrock.advanceJobClock(60_000);
      const staged = await callsOfOnePoll();
      bench.bedrock.advanceJobClock(60_000);
      const finished = await callsOfOnePoll();
      rows.push(`| ${watched} | ${steady} | ${staged} | ${finished} |`);
    }
  } finally {
    await bench.stop();
  }
  console.log('\nJob poller: Bedrock calls in one poll (offline bench, 50 unwatched jobs besides)\n');
  console.log('| watched jobs | nothing changed | all changed stage | all finished |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
}
