import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { blockKitError } from '../src/playground/local-slack.js';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let channelCounter = 0;
// Each test runs in its own channel and as its own user, so their calls and limits do not mix.
const fresh = () => {
  channelCounter += 1;
  return { channelId: `C${channelCounter}`, userId: `U${channelCounter}`, responseId: `r${channelCounter}` };
};

const finalIn = (channel: string) => bench.slack.updateShowing(channel, 'Summary');

const ephemeralTo = (responseId: string) => bench.slack.responseTo(responseId, 'ephemeral');

beforeAll(async () => {
  bench = await startBench({ env: { RATE_LIMIT_USER_PER_MINUTE: '3' } });
});
afterAll(() => bench.stop());

describe('/compare end to end', () => {
  it('shows every model’s answer when one fails and one is throttled once, each update valid and throttled', async () => {
    bench.bedrock.script('amazon.nova-micro-v1:0', {
      answer: 'Nova: EC2, S3, Lambda, RDS, VPC and more services follow here.',
      firstTokenMs: 20,
      tokensPerSecond: 100,
    });
    bench.bedrock.script('meta.llama3-70b-instruct-v1:0', {
      answer: 'Llama answers after a throttle.',
      failure: {
        type: 'ThrottlingException',
        status: 429,
        message: 'Too many requests, please wait.',
        times: 1,
      },
    });
    bench.bedrock.script('mistral.mistral-large-2402-v1:0', {
      failure: {
        type: 'AccessDeniedException',
        status: 403,
        message: 'You don’t have access to the model with the specified model ID.',
      },
    });
    const who = fresh();
    const ack = await bench.sender.command(
      '/compare',
      'nova-micro llama3-70b mistral-large What are the top AWS services?',
      who,
    );
    expect(ack.status).toBe(200);

    const final = await finalIn(who.channelId);
    const shown = visibleText(final.args.blocks);
    expect(shown).toContain('Nova: EC2, S3, Lambda, RDS, VPC and more services follow here.');
    expect(shown).toContain('Llama answers after a throttle.');
    expect(shown).toContain('Enable it under \\"Model access\\" in the Bedrock console');
    expect(bench.bedrock.callsFor('meta.llama3-70b-instruct-v1:0')).toHaveLength(2);

    const updates = bench.slack.calls.filter(
      (call) =>
        call.args.channel === who.channelId && ['chat.postMessage', 'chat.update'].includes(call.method),
    );
    expect(updates.filter((call) => call.method === 'chat.postMessage')).toHaveLength(1);
    expect(updates.length).toBeGreaterThan(2);
    for (const call of updates) expect(call.response?.ok, JSON.stringify(call.response)).toBe(true);
    // Nova streams 10 words at 100 words/s (≈ 100 ms); with 50 ms between updates they are coalesced,
    // far fewer updates than tokens. The spacing itself is specified in throttled-message.test.ts.
    expect(updates.length).toBeLessThan(10);
  });

  it('runs the models at the same time, not one after another', async () => {
    for (const id of ['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'meta.llama3-70b-instruct-v1:0']) {
      bench.bedrock.script(id, { answer: 'slow answer', firstTokenMs: 400 });
    }
    const who = fresh();
    const started = performance.now();
    await bench.sender.command('/compare', 'nova-micro nova-lite llama3-70b hello', who);
    await finalIn(who.channelId);
    const calls = ['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'meta.llama3-70b-instruct-v1:0'].map(
      (id) => bench.bedrock.callsFor(id).at(-1)?.receivedAt ?? 0,
    );
    expect(Math.max(...calls) - Math.min(...calls)).toBeLessThan(200);
    expect(performance.now() - started).toBeGreaterThan(400);
  });

  it('calls a profile-only model through the inference profile of the region', async () => {
    const who = fresh();
    await bench.sender.command('/compare', 'nova-micro claude-3.5-haiku hi', who);
    await finalIn(who.channelId);
    expect(
      bench.bedrock.calls.some((call) => call.invokedId === 'us.anthropic.claude-3-5-haiku-20241022-v1:0'),
    ).toBe(true);
  });

  it('tells the user, privately, about an unknown model with the closest names', async () => {
    const who = fresh();
    await bench.sender.command('/compare', 'nova-mikro sonnet What is S3?', who);
    const reply = await ephemeralTo(who.responseId);
    expect(String(reply.body.text)).toContain('I don’t know a Bedrock model called `nova-mikro`');
    expect(String(reply.body.text)).toContain('`nova-micro`');
    expect(bench.slack.callsOf('chat.postMessage').some((call) => call.args.channel === who.channelId)).toBe(
      false,
    );
  });

  it.each([
    ['nova-micro What is S3?', 'at least 2 different models'],
    ['nova-micro nova-lite sonnet haiku llama3-70b mistral-large mistral-7b-instruct hi', 'at most 6'],
    ['nova-micro sonnet', 'Add a prompt'],
    ['help', '/compare'],
  ])('answers %j with a private explanation', async (text, expected) => {
    const who = fresh();
    await bench.sender.command('/compare', text, who);
    const reply = await ephemeralTo(who.responseId);
    expect(visibleText(reply.body.blocks)).toContain(expected);
  });

  it('says when to try again once a user passes the rate limit', async () => {
    const who = fresh();
    for (let index = 0; index < 3; index++)
      await bench.sender.command('/compare', 'nova-micro nova-lite hi', {
        ...who,
        responseId: `${who.responseId}-${index}`,
      });
    await bench.sender.command('/compare', 'nova-micro nova-lite hi', who);
    const reply = await ephemeralTo(who.responseId);
    expect(String(reply.body.text)).toMatch(/3 requests a minute at most\. Try again in \d+ seconds/);
  });

  it('answers through response_url, and says how to invite the bot, where it is not in the channel', async () => {
    const who = fresh();
    bench.slack.channelsWithoutBot.add(who.channelId);
    await bench.sender.command('/compare', 'nova-micro nova-lite hi there', who);
    const result = await bench.slack.waitFor(() =>
      bench.slack.responses.find(
        (response) =>
          response.path.endsWith(`/${who.responseId}`) && response.body.response_type === 'in_channel',
      ),
    );
    expect(blockKitError(result.body)).toBeUndefined();
    expect(visibleText(result.body.blocks)).toContain('Summary');
    const hint = bench.slack.responses.find(
      (response) =>
        response.path.endsWith(`/${who.responseId}`) && response.body.response_type === 'ephemeral',
    );
    expect(String(hint?.body.text)).toContain('/invite @Bedrock');
  });

  it('calls the models while the placeholder is posted, and stops them when the post fails', async () => {
    const SLOW = 'mistral.mistral-7b-instruct-v0:2';
    bench.bedrock.script(SLOW, { answer: 'word '.repeat(60), tokensPerSecond: 20 });
    const waiting = fresh();
    bench.slack.rateLimitNext('chat.postMessage', 1, 1, (args) => args.channel === waiting.channelId);
    const calledBefore = bench.bedrock.callsFor(SLOW).length;
    await bench.sender.command('/compare', 'nova-micro mistral-7b Count while I wait', waiting);
    await bench.slack.waitFor(
      () =>
        bench.slack.callsIn(waiting.channelId, 'chat.postMessage').filter((call) => call.response?.ok)
          .length === 1,
    );
    const posted = bench.slack.callsIn(waiting.channelId, 'chat.postMessage').at(-1);
    // The post waited out Slack's Retry-After of a second; the models were asked meanwhile.
    expect(bench.bedrock.callsFor(SLOW)[calledBefore]?.receivedAt).toBeLessThan((posted?.at ?? 0) - 500);

    const failing = fresh();
    bench.slack.failNext('chat.postMessage', { status: 500 }, 1);
    await bench.sender.command('/compare', 'nova-micro mistral-7b Count for nobody', failing);
    const reply = await ephemeralTo(failing.responseId);
    const stopped = bench.bedrock.callsFor(SLOW).at(-1);

    expect(String(reply.body.text)).toContain('did not finish');
    // The simulator sees the call ended at its next word.
    await vi.waitFor(() => expect(stopped?.cancelledAt).toBeDefined());
    expect(stopped?.finishedAt).toBeUndefined();
  });

  it('never posts the compare twice when Slack fails a post, and retries one Slack rate-limited', async () => {
    const failing = fresh();
    bench.slack.failNext('chat.postMessage', { status: 500 });
    await bench.sender.command('/compare', 'nova-micro nova-lite hi', failing);
    const reply = await ephemeralTo(failing.responseId);
    expect(String(reply.body.text)).toContain('did not finish');
    expect(
      bench.slack.callsOf('chat.postMessage').filter((call) => call.args.channel === failing.channelId),
    ).toHaveLength(1);

    const limited = fresh();
    bench.slack.rateLimitNext('chat.postMessage', 1);
    await bench.sender.command('/compare', 'nova-micro nova-lite hi', limited);
    await finalIn(limited.channelId);
    const posts = bench.slack
      .callsOf('chat.postMessage')
      .filter((call) => call.args.channel === limited.channelId);
    expect(posts).toHaveLength(2);
    expect(posts[1]?.response?.ok).toBe(true);
  });
});
