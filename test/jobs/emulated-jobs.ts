import { BedrockClient } from '@aws-sdk/client-bedrock';
import { JobsClient } from '../../src/jobs/client.js';
import type { JobStatus } from '../../src/jobs/types.js';
import { BedrockSimulator, jobTimeline } from '../../src/playground/bedrock-simulator.js';
import { simulatorClientConfig } from '../support/simulator-client.js';

export const NOVA_BASE = 'amazon.nova-micro-v1:0:128k';

/** The Bedrock emulator's customization jobs, read through the real SDK client. */
export async function startEmulatedJobs() {
  const bedrock = new BedrockSimulator();
  await bedrock.start();
  const control = new BedrockClient(simulatorClientConfig(bedrock, 'control'));
  let counter = 0;
  return {
    bedrock,
    control,
    jobs: new JobsClient(control),
    /** Adds a job created now on the emulator's job clock; returns its name and ARN. */
    addJob(prefix: string, end: JobStatus = 'Completed') {
      const name = `${prefix}-${++counter}`;
      const arn = bedrock.addJob({
        name,
        baseModelId: NOVA_BASE,
        customModelName: `${name}-model`,
        timeline: jobTimeline(end),
      });
      return { name, arn };
    },
    /** Bedrock calls of one operation so far, e.g. ListModelCustomizationJobs. */
    callsOf: (operation: string) =>
      bedrock.controlCalls.filter((call) => call.operation === operation).length,
    async stop() {
      control.destroy();
      await bedrock.stop();
    },
  };
}

export type EmulatedJobs = Awaited<ReturnType<typeof startEmulatedJobs>>;
