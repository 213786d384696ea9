import { BedrockSimulator, JOB_EPOCH, jobTimeline } from './bedrock-simulator.js';

/**
 * The simulator dressed for the playground: every text model answers at a pace you can watch
 * stream, in words that say the answer is simulated, and a few customization jobs move on their
 * own through their stages over real time, so `/finetune-status watch` has something to watch.
 */

const HOUR_MS = 3_600_000;

function answerFrom(modelName: string): string {
  return [
    `_Simulated answer from ${modelName}: no model ran, so this text, its token counts and its cost are made up._`,
    '',
    'With AWS credentials set, the playground calls Amazon Bedrock and the real answer streams in here. Meanwhile, try:',
    '',
    '- `/compare --blind nova-micro claude-3.5-haiku …`: pick the best answer before the names show',
    '- *Show full answer* and *Continue with* under each answer',
    '- `/compare` alone for the form, and `/finetune-status watch helpdesk-haiku` to follow a job',
    '- a mention of the bot in a thread, to talk with one model',
  ].join('\n');
}

export interface SimulatedBedrock {
  simulator: BedrockSimulator;
  stop(): Promise<void>;
}

/** Starts the simulator on loopback; `jobClockSpeed` is how many simulated ms pass per real ms. */
export async function startSimulatedBedrock(
  options: { jobClockSpeed?: number } = {},
): Promise<SimulatedBedrock> {
  const simulator = new BedrockSimulator();
  simulator.models
    .filter((model) => model.outputModalities.includes('TEXT'))
    .forEach((model, index) => {
      simulator.script(model.modelId, {
        answer: answerFrom(model.modelName),
        firstTokenMs: 300 + ((index * 170) % 600),
        tokensPerSecond: 40 + ((index * 23) % 60),
        wordsPerChunk: 3,
      });
    });
  // Two jobs that ended hours ago, then one that has just started and finishes in two minutes; the
  // job clock is set so that "just started" is now.
  simulator.jobClockMs = Date.now() - JOB_EPOCH - 3 * HOUR_MS;
  simulator.addJob({
    name: 'support-tone-nova-micro',
    baseModelId: 'amazon.nova-micro-v1:0:128k',
    customModelName: 'support-tone-v1',
    hyperParameters: { epochCount: '2', learningRate: '0.00001', learningRateWarmupSteps: '10' },
    timeline: jobTimeline('Completed'),
    trainingLoss: 0.412,
    validationLoss: 0.498,
  });
  simulator.addJob({
    name: 'faq-distill-nova-lite',
    baseModelId: 'amazon.nova-lite-v1:0',
    customModelName: 'faq-distilled',
    type: 'DISTILLATION',
    timeline: jobTimeline('Failed', {
      validation: 'Completed',
      dataProcessing: 'Failed',
      training: 'NotStarted',
    }),
    failureMessage:
      'The training data in s3://training-bucket/train.jsonl has 3 records; at least 8 are required.',
  });
  simulator.advanceJobClock(3 * HOUR_MS);
  simulator.addJob({
    name: 'helpdesk-haiku',
    baseModelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    customModelName: 'helpdesk-haiku-v1',
    hyperParameters: { epochCount: '3', batchSize: '8', learningRateMultiplier: '1' },
    timeline: jobTimeline('Completed'),
  });
  await simulator.start();
  const speed = options.jobClockSpeed ?? 1;
  let last = performance.now();
  const clock = setInterval(() => {
    const now = performance.now();
    simulator.advanceJobClock((now - last) * speed);
    last = now;
  }, 250);
  clock.unref();
  return {
    simulator,
    async stop() {
      clearInterval(clock);
      await simulator.stop();
    },
  };
}
