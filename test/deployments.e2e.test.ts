import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobScript, jobTimeline } from '../src/playground/bedrock-simulator.js';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { actionIds, buttonValue, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const NOVA_BASE = 'amazon.nova-micro-v1:0:128k';
const HAIKU_BASE = 'anthropic.claude-3-haiku-20240307-v1:0';
const unique = (prefix: string) => `${prefix}-${++counter}`;

const DONE = { validation: 'Completed', dataProcessing: 'Completed', training: 'Completed' } as const;

/** A job that has already completed on the simulator's clock. */
function completedJob(prefix: string, script: Partial<JobScript> = {}) {
  return runningJob(prefix, { timeline: [{ afterMs: 0, status: 'Completed', stages: DONE }], ...script });
}

/** A job that completes two minutes from now on the simulator's clock. */
function runningJob(prefix: string, script: Partial<JobScript> = {}) {
  const name = unique(prefix);
  const arn = bench.bedrock.addJob({
    name,
    baseModelId: NOVA_BASE,
    customModelName: `${name}-model`,
    timeline: jobTimeline('Completed'),
    ...script,
  });
  return { name, arn };
}

async function command(text: string, channelId = 'CDEPLOY') {
  const responseId = unique('r');
  const ack = await bench.sender.command('/finetune-status', text, { channelId, responseId });
  expect(ack.status).toBe(200);
  return bench.slack.waitFor(() =>
    bench.slack.responses.find((response) => response.path.endsWith(`/${responseId}`)),
  );
}

/** `/finetune-status deploy <job>`: its answer is the message it posts in the channel. */
async function deployFrom(job: string, channelId: string) {
  const ack = await bench.sender.command('/finetune-status', `deploy ${job}`, {
    channelId,
    responseId: unique('d'),
  });
  expect(ack.status).toBe(200);
}

async function click(actionId: string, value: string, channelId: string, threadTs?: string) {
  const responseId = unique('click');
  await bench.sender.blockAction({ actionId, value, channelId, threadTs, messageTs: threadTs, responseId });
  return responseId;
}

const answerTo = (responseId: string) =>
  bench.slack.waitFor(() =>
    bench.slack.responses.find((response) => response.path.endsWith(`/${responseId}`)),
  );

const posted = (channel: string, filter: (call: RecordedCall) => boolean = () => true) =>
  bench.slack
    .callsOf('chat.postMessage')
    .filter((call) => call.args.channel === channel && call.response?.ok === true && filter(call));

const replyContaining = (channel: string, threadTs: string, text: string) =>
  bench.slack.waitFor(() =>
    posted(channel, (call) => call.args.thread_ts === threadTs).find((call) =>
      visibleText(call.args.blocks).includes(text),
    ),
  );

const deploymentCalls = (operation: string) =>
  bench.bedrock.controlCalls.filter((call) => call.operation === operation).length;

/** Watches a running job in `channel`, lets it complete, and returns its thread and completion reply. */
async function watchToCompletion(job: { name: string }, channel: string) {
  await bench.sender.command('/finetune-status', `watch ${job.name}`, {
    channelId: channel,
    responseId: unique('w'),
  });
  const card = await bench.slack.waitFor(() => posted(channel)[0]);
  const thread = String(card.response?.ts);
  bench.bedrock.advanceJobClock(120_000);
  const done = await replyContaining(channel, thread, '*Completed*');
  return { thread, done };
}

beforeAll(async () => {
  bench = await startBench({ overrides: { pollIntervalMs: 100 } });
});
afterAll(() => bench.stop());

describe('custom models on demand', () => {
  it('deploys a completed Nova job on demand from its watch thread, watches it to Active, and compares it with its base', async () => {
    const { name } = runningJob('ondemand');
    const channel = 'CDEPLOY1';
    const { thread, done } = await watchToCompletion({ name }, channel);
    expect(actionIds(done.args.blocks)).toContain('finetune_deploy');
    expect(JSON.stringify(done.args.blocks)).toContain('"confirm"');
    expect(visibleText(done.args.blocks)).toContain('Its hourly price is not in this app’s price table');

    await click('finetune_deploy', buttonValue(done.args.blocks, 'finetune_deploy'), channel, thread);
    const started = await replyContaining(channel, thread, 'is deploying');
    expect(visibleText(started.args.blocks)).toContain(`${name}-model-od`);
    expect(bench.bedrock.deployments.at(-1)?.modelArn).toBe(
      `arn:aws:bedrock:us-east-1:123456789012:custom-model/${NOVA_BASE}/${name}-model`,
    );

    bench.bedrock.advanceJobClock(60_000);
    const active = await replyContaining(channel, thread, 'Creating → *Active*');
    bench.bedrock.script(NOVA_BASE, { answer: 'The tuned answer.' });
    await click('finetune_compare', buttonValue(active.args.blocks, 'finetune_compare'), channel, thread);
    const opened = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('views.open')
        .find((call) => JSON.stringify(call.args.view).includes('on-demand deployment')),
    );
    await bench.sender.viewSubmission({
      callbackId: 'finetune_compare_prompt',
      privateMetadata: (opened.args.view as { private_metadata: string }).private_metadata,
      values: { prompt: { value: { type: 'plain_text_input', value: 'How do I reset my password?' } } },
    });
    const compare = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.update')
        .find((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('Summary')),
    );
    expect(visibleText(compare.args.blocks)).toContain(`${name}-model-od (custom)`);
    const deploymentArn = bench.bedrock.deployments.at(-1)?.arn ?? '';
    expect(bench.bedrock.calls.some((call) => call.invokedId === deploymentArn)).toBe(true);
    expect(bench.bedrock.calls.some((call) => call.invokedId === 'amazon.nova-micro-v1:0')).toBe(true);
  });

  it('tells a job whose base cannot be served on demand to use Provisioned Throughput, before any deployment call', async () => {
    const job = runningJob('haiku', { baseModelId: HAIKU_BASE });
    const { done } = await watchToCompletion(job, 'CDEPLOY2');
    expect(actionIds(done.args.blocks)).not.toContain('finetune_deploy');
    expect(visibleText(done.args.blocks)).toContain('create-provisioned-model-throughput');
    expect(visibleText(done.args.blocks)).toContain(
      'Bedrock serves only customized Nova Micro, Nova Lite, Nova Pro',
    );

    const before = deploymentCalls('CreateCustomModelDeployment');
    const said = visibleText((await command(`deploy ${job.name}`)).body.blocks);
    expect(said).toContain(`A custom model of \`${HAIKU_BASE}\` can’t be deployed on demand`);
    expect(deploymentCalls('CreateCustomModelDeployment')).toBe(before);
  });

  it('lists deployments with a Delete that asks first, and shows Bedrock’s refusal to delete one still being created', async () => {
    const job = completedJob('listed');
    await deployFrom(job.name, 'CDEPLOY');
    await bench.slack.waitFor(() =>
      bench.bedrock.deployments.find((entry) => entry.name === `${job.name}-model-od`),
    );
    const listed = (await command('deployments')).body.blocks;
    expect(visibleText(listed)).toContain(`*${job.name}-model-od* · Creating`);
    const deleteButton = JSON.stringify(listed);
    expect(deleteButton).toContain('fail from then on');
    const arn = bench.bedrock.deployments.find((entry) => entry.name === `${job.name}-model-od`)?.arn ?? '';

    const refused = visibleText(
      (await answerTo(await click('finetune_delete_deployment', arn, 'CDEPLOY'))).body.blocks,
    );
    expect(refused).toContain('Bedrock refused to delete the deployment');
    expect(refused).toContain('is being created');

    bench.bedrock.advanceJobClock(60_000);
    const deleted = visibleText(
      (await answerTo(await click('finetune_delete_deployment', arn, 'CDEPLOY'))).body.blocks,
    );
    expect(deleted).toContain(`Deleted the deployment *${job.name}-model-od*`);
    expect(bench.bedrock.deployments.some((entry) => entry.arn === arn)).toBe(false);
  });

  it('offers Deploy on demand on a completed job’s details, and follows the deployment in a card of its own', async () => {
    const job = completedJob('details');
    const details = (await command(job.name, 'CDEPLOY4')).body.blocks;
    expect(actionIds(details)).toContain('finetune_deploy');
    const responseId = unique('click');
    await bench.sender.blockAction({
      actionId: 'finetune_deploy',
      value: buttonValue(details, 'finetune_deploy'),
      channelId: 'CDEPLOY4',
      ephemeral: true,
      responseId,
    });
    const card = await bench.slack.waitFor(() =>
      posted('CDEPLOY4').find((call) => visibleText(call.args.blocks).includes('is deploying')),
    );
    expect(card.args.thread_ts).toBeUndefined();
    bench.bedrock.advanceJobClock(60_000);
    await replyContaining('CDEPLOY4', String(card.response?.ts), 'Creating → *Active*');
  });

  it('tells the thread when a deployment fails, with Bedrock’s reason', async () => {
    const job = completedJob('doomed');
    bench.bedrock.failNextDeployment = 'The custom model could not be loaded.';
    await deployFrom(job.name, 'CDEPLOY3');
    const card = await bench.slack.waitFor(() =>
      posted('CDEPLOY3').find((call) => visibleText(call.args.blocks).includes('is deploying')),
    );
    bench.bedrock.advanceJobClock(60_000);
    const failed = await replyContaining('CDEPLOY3', String(card.response?.ts), 'Creating → *Failed*');
    expect(visibleText(failed.args.blocks)).toContain('>The custom model could not be loaded.');
  });
});

describe('custom models on demand outside their Regions', () => {
  let far: Bench;
  beforeAll(async () => {
    far = await startBench({ env: { AWS_REGION: 'eu-west-1' }, redis: false });
  });
  afterAll(() => far.stop());

  it('says which Regions offer on-demand custom models, before any deployment call', async () => {
    const name = unique('far');
    far.bedrock.addJob({
      name,
      baseModelId: NOVA_BASE,
      customModelName: `${name}-model`,
      timeline: [{ afterMs: 0, status: 'Completed', stages: DONE }],
    });
    const responseId = unique('far');
    await far.sender.command('/finetune-status', `deploy ${name}`, { channelId: 'CFAR', responseId });
    const said = await far.slack.waitFor(() =>
      far.slack.responses.find((response) => response.path.endsWith(`/${responseId}`)),
    );
    expect(visibleText(said.body.blocks)).toContain(
      'Bedrock offers on-demand custom models only in us-east-1 and us-west-2, and this app runs in eu-west-1',
    );
    expect(far.bedrock.controlCalls.some((call) => call.operation === 'CreateCustomModelDeployment')).toBe(
      false,
    );
  });
});
