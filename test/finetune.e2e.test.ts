import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobScript, jobTimeline } from '../src/playground/bedrock-simulator.js';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { buttonValue, tableRows, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const NOVA_BASE = 'amazon.nova-micro-v1:0:128k';
const unique = (prefix: string) => `${prefix}-${++counter}`;

function addJob(prefix: string, script: Partial<JobScript> = {}): { name: string; arn: string } {
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

/** Runs a command and returns what the user privately sees (the response_url answer). */
async function command(text: string, who: { channelId?: string; userId?: string; teamId?: string } = {}) {
  const responseId = unique('r');
  const ack = await bench.sender.command('/finetune-status', text, {
    channelId: 'CJOBS',
    ...who,
    responseId,
  });
  expect(ack.status).toBe(200);
  return bench.slack.waitFor(() =>
    bench.slack.responses.find((response) => response.path.endsWith(`/${responseId}`)),
  );
}

const posted = (channel: string, filter: (call: RecordedCall) => boolean = () => true) =>
  bench.slack
    .callsOf('chat.postMessage')
    .filter((call) => call.args.channel === channel && call.response?.ok === true && filter(call));

/** Watches a job from a fresh channel and returns the watch thread. */
async function watch(job: string, channel: string, teamId = 'T0001') {
  await bench.sender.command('/finetune-status', `watch ${job}`, {
    channelId: channel,
    teamId,
    responseId: unique('w'),
  });
  const card = await bench.slack.waitFor(() => posted(channel)[0]);
  return String(card.response?.ts);
}

const repliesIn = (channel: string, threadTs: string) =>
  posted(channel, (call) => call.args.thread_ts === threadTs);

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

beforeAll(async () => {
  bench = await startBench({ overrides: { pollIntervalMs: 100 } });
});
afterAll(() => bench.stop());

describe('/finetune-status', () => {
  it('lists jobs newest first with status, type, base model and duration, and filters them', async () => {
    const done = addJob('list');
    bench.bedrock.advanceJobClock(180_000);
    const running = addJob('list');
    bench.bedrock.advanceJobClock(1_000);
    const failed = addJob('list', { timeline: [{ afterMs: 0, status: 'Failed' }] });

    const all = await command('name:list-');
    const text = visibleText(all.body.blocks);
    expect(all.body.response_type).toBe('ephemeral');
    expect(text.indexOf(failed.name)).toBeLessThan(text.indexOf(running.name));
    expect(text.indexOf(running.name)).toBeLessThan(text.indexOf(done.name));
    expect(text).toContain(`:white_check_mark: *${done.name}* · Completed`);
    expect(text).toContain('Fine-tuning of `amazon.nova-micro-v1:0:128k` → `');
    expect(text).toContain('took 2 min');

    const onlyRunning = visibleText((await command('running name:list-')).body.blocks);
    expect(onlyRunning).toContain(running.name);
    expect(onlyRunning).not.toContain(done.name);
    expect(onlyRunning).not.toContain(failed.name);
  });

  it('pages through a long list with a More button', async () => {
    for (let index = 0; index < 12; index++) addJob('page');
    const first = await command('name:page-');
    expect(visibleText(first.body.blocks).match(/\* · InProgress/g)).toHaveLength(10);
    const responseId = unique('more');
    await bench.sender.blockAction({
      actionId: 'finetune_more',
      value: buttonValue(first.body.blocks, 'finetune_more'),
      channelId: 'CJOBS',
      responseId,
      ephemeral: true,
    });
    const next = await bench.slack.waitFor(() =>
      bench.slack.responses.find((r) => r.path.endsWith(`/${responseId}`)),
    );
    expect(next.body.replace_original).toBe(true);
    expect(visibleText(next.body.blocks).match(/\* · InProgress/g)).toHaveLength(2);
  });

  it('shows one job in full, and a failure verbatim with a hint', async () => {
    const job = addJob('detail', { hyperParameters: { epochCount: '3', learningRate: '0.00002' } });
    const details = visibleText((await command(job.name)).body.blocks);
    expect(details).toContain(':hourglass_flowing_sand: Validation: InProgress');
    expect(details).toContain('`epochCount` 3 · `learningRate` 0.00002');
    expect(details).toContain('Training: `s3://training-bucket/train.jsonl`');
    expect(details).toContain('Output: `s3://training-bucket/output/`');
    expect(details).toContain('Service role: `arn:aws:iam::123456789012:role/BedrockCustomization`');
    expect(details).toContain('finetune_watch');
    expect(details).toContain('finetune_stop');

    const broken = addJob('broken', {
      timeline: [{ afterMs: 0, status: 'Failed', stages: { validation: 'Failed' } }],
      failureMessage:
        'Access denied when reading s3://training-bucket/train.jsonl: check the role permissions.',
    });
    const failure = visibleText((await command(broken.arn)).body.blocks);
    expect(failure).toContain(
      '>Access denied when reading s3://training-bucket/train.jsonl: check the role permissions.',
    );
    expect(failure).toContain('the service role cannot read the training data');
    expect(failure).not.toContain('finetune_stop');
  });

  it('shows no failure and no losses for a running job, even when the answer carries those fields', async () => {
    const running = addJob('running-leftovers', {
      timeline: jobTimeline('Completed').slice(0, 1),
      carries: { failureMessage: 'Internal error, retrying', trainingMetrics: { trainingLoss: 0 } },
    });
    const details = visibleText((await command(running.name)).body.blocks);
    expect(details).toContain('InProgress');
    expect(details).not.toContain('Failure');
    expect(details).not.toContain('Internal error, retrying');
    expect(details).not.toContain('training loss');

    const done = addJob('done-losses', { trainingLoss: 0.4321, validationLoss: 0.5 });
    bench.bedrock.advanceJobClock(120_000);
    const finished = visibleText((await command(done.name)).body.blocks);
    expect(finished).toContain('training loss 0.4321 · validation loss 0.5000');
  });

  it('says a finished job has nothing to stop instead of "I can’t find"', async () => {
    const job = addJob('finished-stop');
    bench.bedrock.advanceJobClock(120_000);
    const responseId = unique('stop');
    await bench.sender.blockAction({
      actionId: 'finetune_stop',
      value: job.arn,
      channelId: 'CJOBS',
      responseId,
    });
    const said = await bench.slack.waitFor(() =>
      bench.slack.responses.find((r) => r.path.endsWith(`/${responseId}`)),
    );
    const text = visibleText(said.body.blocks);
    expect(text).toContain(`*${job.name}* already finished (Completed): there is nothing to stop.`);
    expect(text).not.toContain('can’t find');
  });

  it('says plainly when a job does not exist or the words are wrong', async () => {
    expect(visibleText((await command('no-such-job')).body.blocks)).toContain(
      'I can’t find a customization job called `no-such-job`',
    );
    expect(visibleText((await command('running sideways')).body.blocks)).toContain(
      'I did not understand `sideways`',
    );
  });

  it('posts each stage and status change in the watch thread once, then the completion with the Provisioned Throughput reminder', async () => {
    const job = addJob('watched');
    const channel = 'CWATCH1';
    const thread = await watch(job.name, channel);
    expect(visibleText(posted(channel)[0]?.args.blocks)).toContain('is watching this job');

    bench.bedrock.advanceJobClock(60_000);
    const stage = await bench.slack.waitFor(() => repliesIn(channel, thread)[0]);
    expect(visibleText(stage.args.blocks)).toContain('Validation: InProgress → Completed');
    expect(visibleText(stage.args.blocks)).toContain('Data processing: NotStarted → InProgress');

    bench.bedrock.advanceJobClock(60_000);
    const done = await bench.slack.waitFor(() => repliesIn(channel, thread)[1]);
    const text = visibleText(done.args.blocks);
    expect(text).toContain(`*${job.name}*: InProgress → *Completed*`);
    expect(text).toContain(`custom-model/${NOVA_BASE}/${job.name}-model`);
    expect(text).toContain('training loss 0.1234 · validation loss 0.2345');
    expect(text).toContain('total 2 min');
    expect(text).toContain(
      `aws bedrock create-provisioned-model-throughput --region us-east-1 --model-units 1 --provisioned-model-name ${job.name}-model-pt --model-id arn:aws:bedrock:us-east-1:123456789012:custom-model/${NOVA_BASE}/${job.name}-model`,
    );
    await settle();
    expect(repliesIn(channel, thread)).toHaveLength(2);
    expect((await bench.app.store.listWatches()).some((w) => w.jobArn === job.arn)).toBe(false);
  });

  it('tells a failed job’s thread the failure and the hint', async () => {
    const job = addJob('fails', {
      timeline: jobTimeline('Failed', {
        validation: 'Completed',
        dataProcessing: 'Failed',
        training: 'NotStarted',
      }),
      failureMessage: 'Invalid record on line 12: the JSON object has no "messages" field.',
    });
    const channel = 'CWATCH2';
    const thread = await watch(job.arn, channel);
    bench.bedrock.advanceJobClock(120_000);
    const failure = await bench.slack.waitFor(() =>
      repliesIn(channel, thread).find((call) => visibleText(call.args.blocks).includes('*Failed*')),
    );
    expect(visibleText(failure.args.blocks)).toContain('>Invalid record on line 12');
    expect(visibleText(failure.args.blocks)).toContain('not in the format the base model expects');
  });

  it('stops a job from its Stop button and reports Stopping, then Stopped', async () => {
    const job = addJob('stopme');
    const channel = 'CWATCH3';
    const thread = await watch(job.name, channel);
    const responseId = unique('stop');
    await bench.sender.blockAction({
      actionId: 'finetune_stop',
      value: job.arn,
      channelId: channel,
      responseId,
    });
    const said = await bench.slack.waitFor(() =>
      bench.slack.responses.find((r) => r.path.endsWith(`/${responseId}`)),
    );
    expect(visibleText(said.body.blocks)).toContain('Stopping the job');
    await bench.slack.waitFor(() =>
      repliesIn(channel, thread).find((call) =>
        visibleText(call.args.blocks).includes('InProgress → *Stopping*'),
      ),
    );
    bench.bedrock.advanceJobClock(60_000);
    await bench.slack.waitFor(() =>
      repliesIn(channel, thread).find((call) =>
        visibleText(call.args.blocks).includes('Stopping → *Stopped*'),
      ),
    );
  });

  it('offers to compare a finished custom model with its base when a throughput serves it', async () => {
    const job = addJob('served');
    bench.bedrock.throughputs.push({
      name: `${job.name}-pt`,
      modelArn: `arn:aws:bedrock:us-east-1:123456789012:custom-model/${NOVA_BASE}/${job.name}-model`,
      foundationModelArn: `arn:aws:bedrock:us-east-1::foundation-model/${NOVA_BASE}`,
      modelUnits: 1,
      status: 'InService',
    });
    bench.bedrock.script(NOVA_BASE, { answer: 'The tuned answer.' });
    const channel = 'CWATCH4';
    const thread = await watch(job.name, channel);
    bench.bedrock.advanceJobClock(120_000);
    const done = await bench.slack.waitFor(() =>
      repliesIn(channel, thread).find((call) => visibleText(call.args.blocks).includes('*Completed*')),
    );
    expect(visibleText(done.args.blocks)).not.toContain('create-provisioned-model-throughput');
    await bench.sender.blockAction({
      actionId: 'finetune_compare',
      value: buttonValue(done.args.blocks, 'finetune_compare'),
      channelId: channel,
    });
    const opened = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('views.open')
        .find((call) => JSON.stringify(call.args.view).includes('finetune_compare_prompt')),
    );
    const view = opened.args.view as { private_metadata: string };
    await bench.sender.viewSubmission({
      callbackId: 'finetune_compare_prompt',
      privateMetadata: view.private_metadata,
      values: { prompt: { value: { type: 'plain_text_input', value: 'How do I reset my password?' } } },
    });
    const compare = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.update')
        .find((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('Summary')),
    );
    expect(visibleText(compare.args.blocks)).toContain(`${job.name}-model (custom)`);
    expect(
      bench.bedrock.calls.some((call) => call.invokedId.endsWith(`provisioned-model/${job.name}-pt`)),
    ).toBe(true);
    expect(bench.bedrock.calls.some((call) => call.invokedId === 'amazon.nova-micro-v1:0')).toBe(true);
    // The throughput is billed per model unit and hour: its call has no per-token price, nor $0.
    const [, custom, base] = tableRows(compare.args.blocks);
    expect(custom?.[0]).toBe(`${job.name}-model (custom)`);
    expect(custom?.at(-1)).toBe('billed hourly (Provisioned Throughput)');
    expect(base?.at(-1)).toMatch(/^\$0\.\d+/);
    expect(visibleText(compare.args.blocks)).toMatch(
      new RegExp(
        String.raw`Total cost: \$0\.\d+, excluding ${job.name}-model \(custom\), billed hourly \(Provisioned Throughput\)`,
      ),
    );

    await bench.sender.event({
      type: 'app_home_opened',
      user: 'U0001',
      channel: 'DU0001',
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    });
    const home = await bench.slack.waitFor(() =>
      bench.slack.callsOf('views.publish').find((call) => call.args.user_id === 'U0001'),
    );
    const usage = visibleText((home.args.view as { blocks: unknown }).blocks);
    expect(usage).toMatch(
      /\*Today\*: 2 requests · \d+ in \/ \d+ out tokens · \$0\.\d+, excluding 1 call billed hourly \(Provisioned Throughput\)/,
    );
    expect(usage).not.toContain('unknown price');
  });

  it('lists provisioned throughputs', async () => {
    const text = visibleText((await command('throughput')).body.blocks);
    expect(text).toMatch(/:large_green_circle: \*served-\d+-pt\* · InService/);
    expect(text).toContain('1 model unit · no commitment');
  });

  it('checks the new-job form inline: out-of-range hyperparameters, a bad S3 URI, then starts and watches the job', async () => {
    await bench.sender.command('/finetune-status', 'new', { channelId: 'CNEW', responseId: unique('new') });
    const opened = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('views.open')
        .find((call) => JSON.stringify(call.args.view).includes('finetune_new')),
    );
    expect(JSON.stringify(opened.args.view)).toContain(`"value":"${NOVA_BASE}"`);
    expect(JSON.stringify(opened.args.view)).not.toContain('"value":"meta.llama3-70b-instruct-v1:0"');
    const name = unique('created');
    const values = (overrides: Record<string, string>) => {
      const fields: Record<string, string> = {
        custom_name: `${name}-model`,
        job_name: name,
        training: 's3://my-bucket/train.jsonl',
        output: 's3://my-bucket/out/',
        role: 'arn:aws:iam::123456789012:role/BedrockCustomization',
        hyperparameters: 'epochCount=9\nlearningRate=0.00001',
        ...overrides,
      };
      return {
        type: { value: { type: 'static_select', selected_option: { value: 'FINE_TUNING' } } },
        base: { value: { type: 'static_select', selected_option: { value: NOVA_BASE } } },
        ...Object.fromEntries(
          Object.entries(fields).map(([key, value]) => [key, { value: { type: 'plain_text_input', value } }]),
        ),
      };
    };
    const rejected = await bench.sender.viewSubmission({
      callbackId: 'finetune_new',
      privateMetadata: (opened.args.view as { private_metadata: string }).private_metadata,
      values: values({ training: 'my-bucket/train.jsonl' }),
    });
    expect(JSON.parse(rejected.body)).toEqual({
      response_action: 'errors',
      errors: {
        training: 'Give an S3 URI such as s3://my-bucket/path/train.jsonl.',
        hyperparameters:
          'epochCount (epochs) must be 1–5 for Amazon Nova (Micro, Lite, Pro); 9 is outside it.',
      },
    });
    expect(bench.bedrock.jobs.some((job) => job.name === name)).toBe(false);

    const accepted = await bench.sender.viewSubmission({
      callbackId: 'finetune_new',
      privateMetadata: (opened.args.view as { private_metadata: string }).private_metadata,
      values: values({ hyperparameters: 'epochCount=2' }),
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toBe('');
    const created = bench.bedrock.jobs.find((job) => job.name === name);
    expect(created?.hyperParameters).toEqual({ epochCount: '2' });
    const card = await bench.slack.waitFor(() => posted('CNEW')[0]);
    expect(visibleText(card.args.blocks)).toContain(name);
  });
});

describe('the job poller across replicas', () => {
  it('posts each change exactly once with two app instances on one Redis', async () => {
    const replica = await bench.startReplica();
    const job = addJob('twice');
    const channel = 'CREPLICA';
    const thread = await watch(job.name, channel);
    bench.bedrock.advanceJobClock(60_000);
    await bench.slack.waitFor(() => repliesIn(channel, thread).length === 1);
    await settle();
    bench.bedrock.advanceJobClock(60_000);
    await bench.slack.waitFor(() => repliesIn(channel, thread).length === 2);
    await settle();
    expect(repliesIn(channel, thread)).toHaveLength(2);
    expect([bench.app.poller.isLeader, replica.poller.isLeader].filter(Boolean)).toHaveLength(1);
    await replica.stop();
  });

  it('lets another replica take over when the leader dies mid-poll, losing and doubling nothing', async () => {
    const replica = await bench.startReplica();
    // Make the replica the leader, then let it die between claiming a change and posting it.
    await bench.app.poller.stop();
    await bench.slack.waitFor(() => replica.poller.isLeader);
    const job = addJob('orphan');
    const channel = 'CKILLED';
    const thread = await watch(job.name, channel);
    bench.slack.failNext('chat.postMessage', { status: 500 });
    bench.bedrock.advanceJobClock(60_000);
    await bench.slack.waitFor(async () =>
      (await bench.app.store.listWatches())
        .find((w) => w.jobArn === job.arn)
        ?.lastSeen?.startsWith('pending:'),
    );
    await replica.store.close();

    bench.app.poller.start();
    const told = await bench.slack.waitFor(() => repliesIn(channel, thread)[0]);
    expect(visibleText(told.args.blocks)).toContain('Data processing: NotStarted → InProgress');
    await settle();
    expect(repliesIn(channel, thread)).toHaveLength(1);
    expect(bench.app.poller.isLeader).toBe(true);
    await replica.stop();
  });

  it('posts a change once when Slack holds the leader’s post back far longer than a poll interval', async () => {
    bench.slack.limitReplies = false;
    const replica = await bench.startReplica();
    const job = addJob('slow-leader');
    const channel = 'CSLOW';
    const thread = await watch(job.name, channel, 'T0017');
    // Twenty poll intervals: the leader waits out Retry-After while the replica polls on.
    bench.slack.rateLimitNext('chat.postMessage', 2, 1, (args) => args.thread_ts === thread);
    bench.bedrock.advanceJobClock(60_000);
    const threadPosts = () =>
      bench.slack.callsOf('chat.postMessage').filter((call) => call.args.thread_ts === thread);
    const held = await bench.slack.waitFor(() => threadPosts()[0]);
    // The leader's own post, once it has waited out Retry-After.
    await bench.slack.waitFor(
      () => threadPosts().find((call) => call.response?.ok && call.at >= held.at + 2_000),
      15_000,
    );
    await settle();
    const told = repliesIn(channel, thread).map((call) => visibleText(call.args.blocks));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('Data processing: NotStarted → InProgress');
    await replica.stop();
    bench.slack.limitReplies = true;
  });

  it('does not tell a change again when a job event reaches another replica while the leader’s post is held back', async () => {
    bench.slack.limitReplies = false;
    const replica = await bench.startReplica();
    const job = addJob('evented-while-slow');
    const channel = 'CSLOWEVENT';
    const thread = await watch(job.name, channel, 'T0018');
    bench.slack.rateLimitNext('chat.postMessage', 2, 1, (args) => args.thread_ts === thread);
    bench.bedrock.advanceJobClock(60_000);
    const threadPosts = () =>
      bench.slack.callsOf('chat.postMessage').filter((call) => call.args.thread_ts === thread);
    const held = await bench.slack.waitFor(() => threadPosts()[0]);
    // Well past the age at which a claim would be taken for that of a poller that died.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await Promise.all([bench.app, replica].map((instance) => instance.poller.onJobStateChange(job.arn)));
    await bench.slack.waitFor(
      () => threadPosts().find((call) => call.response?.ok && call.at >= held.at + 2_000),
      15_000,
    );
    await settle();
    expect(repliesIn(channel, thread)).toHaveLength(1);
    await replica.stop();
    bench.slack.limitReplies = true;
  });

  it('does not post again a change a dead leader posted but never confirmed', async () => {
    bench.slack.limitReplies = false;
    const job = addJob('confirmed');
    const channel = 'CUNCONFIRMED';
    const thread = await watch(job.name, channel, 'T0002');
    bench.bedrock.advanceJobClock(60_000);
    await bench.slack.waitFor(() => repliesIn(channel, thread).length === 1);
    await settle();
    const [told] = (await bench.app.store.listWatches()).filter((w) => w.jobArn === job.arn);
    const claim = `pending:${JSON.stringify({ at: 0, from: 'InProgress|InProgress,NotStarted,NotStarted', to: told!.lastSeen })}`;
    expect(await bench.app.store.advanceWatch(job.arn, channel, told!.lastSeen, claim)).toBe(true);
    await bench.slack.waitFor(
      async () =>
        !(await bench.app.store.listWatches())
          .find((w) => w.jobArn === job.arn)
          ?.lastSeen?.startsWith('pending:'),
    );
    expect(repliesIn(channel, thread)).toHaveLength(1);
    bench.slack.limitReplies = true;
  });
});

describe('who may see jobs, and EventBridge events', () => {
  const TOKEN = 'eventbridge-shared-secret-0123';
  let guarded: Bench;

  beforeAll(async () => {
    guarded = await startBench({
      redis: false,
      env: {
        FINETUNE_ALLOWED_CHANNELS: 'CJOBS',
        FINETUNE_ALLOWED_USERS: 'UADA,SPLATFORM',
        JOB_EVENTS_TOKEN: TOKEN,
      },
      // Polls only at start, so a change can only arrive through the event.
      overrides: { pollIntervalMs: 3_600_000 },
    });
    guarded.slack.userGroups.set('SPLATFORM', ['UGRACE']);
  });
  afterAll(() => guarded.stop());

  const ask = async (text: string, who: { userId: string; channelId: string }) => {
    const responseId = unique('g');
    await guarded.sender.command('/finetune-status', text, { ...who, responseId });
    const answer = await guarded.slack.waitFor(() =>
      guarded.slack.responses.find((response) => response.path.endsWith(`/${responseId}`)),
    );
    return { responseType: answer.body.response_type, shown: visibleText(answer.body.blocks) };
  };

  it('refuses, privately, a user outside the allow-list and a channel outside it', async () => {
    const eve = await ask('', { userId: 'UEVE', channelId: 'CJOBS' });
    expect(eve.responseType).toBe('ephemeral');
    expect(eve.shown).toContain('You are not on the list of people who may see customization jobs');
    const elsewhere = await ask('', { userId: 'UADA', channelId: 'CRANDOM' });
    expect(elsewhere.shown).toContain('can’t be shown in this channel');
    expect(
      guarded.bedrock.controlCalls.filter((call) => call.operation === 'ListModelCustomizationJobs'),
    ).toHaveLength(0);
  });

  it('lets in a member of an allowed user group', async () => {
    const grace = await ask('', { userId: 'UGRACE', channelId: 'CJOBS' });
    expect(grace.shown).toContain('Customization jobs');
  });

  it('tells a watch thread at once when EventBridge reports a state change, and rejects a wrong secret', async () => {
    const arn = guarded.bedrock.addJob({
      name: 'evented',
      baseModelId: NOVA_BASE,
      customModelName: 'evented-model',
      timeline: jobTimeline('Completed'),
    });
    await guarded.sender.command('/finetune-status', 'watch evented', { userId: 'UADA', channelId: 'CJOBS' });
    const card = await guarded.slack.waitFor(() => guarded.slack.callsOf('chat.postMessage')[0]);
    guarded.bedrock.advanceJobClock(120_000);
    const event = JSON.stringify({
      version: '0',
      source: 'aws.bedrock',
      'detail-type': 'Model Customization Job State Change',
      account: '123456789012',
      region: 'us-east-1',
      detail: { jobArn: arn, jobName: 'evented', jobStatus: 'Completed' },
    });
    const post = (authorization: string) =>
      fetch(`${guarded.appUrl}/events/bedrock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: event,
      });
    expect((await post('Bearer wrong-secret-xxxxxxxxxxxx')).status).toBe(401);
    expect((await post(`Bearer ${TOKEN}`)).status).toBe(202);
    const told = await guarded.slack.waitFor(() =>
      guarded.slack.callsOf('chat.postMessage').find((call) => call.args.thread_ts === card.response?.ts),
    );
    expect(visibleText(told.args.blocks)).toContain('InProgress → *Completed*');
  });

  it('ends, without posting, a watch left in a channel that is no longer allowed', async () => {
    const arn = guarded.bedrock.addJob({
      name: 'left-behind',
      baseModelId: NOVA_BASE,
      customModelName: 'left-behind-model',
      timeline: jobTimeline('Completed'),
    });
    // As a watch made before FINETUNE_ALLOWED_CHANNELS changed would be.
    await guarded.app.store.addWatch({
      jobArn: arn,
      teamId: 'T0001',
      channelId: 'COLD',
      threadTs: '1.0',
      userId: 'UADA',
      lastSeen: 'InProgress|InProgress,NotStarted,NotStarted',
    });
    guarded.bedrock.advanceJobClock(120_000);
    await guarded.app.poller.onJobStateChange(arn);
    expect((await guarded.app.store.listWatches()).some((watch) => watch.jobArn === arn)).toBe(false);
    expect(guarded.slack.callsOf('chat.postMessage').some((call) => call.args.channel === 'COLD')).toBe(
      false,
    );
  });
});

describe('the job poller under throttling', () => {
  it('backs off when Bedrock throttles its list call, then still tells the watch', async () => {
    const job = addJob('throttled');
    const channel = 'CTHROTTLE';
    const thread = await watch(job.name, channel);
    // More throttles than the SDK's own three attempts absorb, so the poll itself fails once.
    bench.bedrock.throttleControlNext(4);
    bench.bedrock.advanceJobClock(60_000);
    await bench.slack.waitFor(() => repliesIn(channel, thread)[0], 20_000);
    expect(
      bench.logs.lines.some((line) => line.includes('Bedrock throttled the job poller; backing off')),
    ).toBe(true);
  });
});
