import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { conversationId } from '../src/store/types.js';
import { visibleText } from './support/blocks.js';
import { type Bench, mentionBot, NATIVE_STREAMING_ENV, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const TEAM = 'T0001';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const ANSWER =
  'Amazon Bedrock is a **managed service** for foundation models.\n\n| model | use |\n|---|---|\n| Nova | text |';

const freshChannel = () => `C${++counter}STREAM`;
const nextTs = () => `${1_810_000_000 + ++counter}.000100`;

/** A person mentions the bot in a channel: Slack holds the message and sends the app_mention event. */
async function mention(channel: string, text: string, threadTs?: string): Promise<string> {
  const ts = nextTs();
  expect(await mentionBot(bench, { channel, text, ts, threadTs })).toBe(200);
  return ts;
}

/** The markdown a streaming call carried (the web client sends it as `markdown_text` or as chunks). */
const streamedBy = (call: RecordedCall): string => {
  const chunks = (call.args.chunks as { type: string; text: string }[] | undefined) ?? [];
  return `${call.args.markdown_text ?? ''}${chunks.map((chunk) => chunk.text).join('')}`;
};

const stopIn = (channel: string) =>
  bench.slack.waitFor(() =>
    bench.slack.callsIn(channel, 'chat.stopStream').find((call) => call.response?.ok),
  );

beforeAll(async () => {
  bench = await startBench({
    env: {
      ...NATIVE_STREAMING_ENV,
    },
  });
});
afterAll(async () => {
  // The local Slack keeps Slack's limits (at the specs' pace): no spec here went past them.
  const streamCalls = ['chat.startStream', 'chat.appendStream', 'chat.stopStream', 'chat.update'];
  const refused = bench.slack.calls.filter((call) => call.overLimit && streamCalls.includes(call.method));
  await bench.stop();
  expect(refused).toEqual([]);
});

describe('a thread answer streamed natively', () => {
  it('shows "is thinking…", streams the answer as markdown to the person who asked, and ends it with the figures', async () => {
    const channel = freshChannel();
    bench.bedrock.script(HAIKU, { answer: ANSWER, firstTokenMs: 150, tokensPerSecond: 40 });
    const root = await mention(channel, 'What is Amazon Bedrock?');

    // While the model thinks, the thread says so.
    await bench.slack.waitFor(() => bench.slack.statusOf(channel, root) === 'is thinking…');
    const stop = await stopIn(channel);

    const [start, ...more] = bench.slack.callsIn(channel, 'chat.startStream');
    expect(more).toHaveLength(0);
    expect(start?.args).toMatchObject({
      thread_ts: root,
      recipient_user_id: 'UADA',
      recipient_team_id: TEAM,
    });
    // Markdown reaches Slack as markdown: bold and tables render natively.
    const ts = String(stop.args.ts);
    expect(bench.slack.textOf(channel, ts)).toBe(ANSWER);
    expect(visibleText(stop.args.blocks)).toMatch(/Claude 3.5 Haiku.*in \/ .*out tokens.*this thread so far/);
    expect(stop.args.metadata).toMatchObject({ event_type: 'bedrock_slack_answer' });
    expect(JSON.stringify(stop.args.blocks)).toContain('"type":"feedback_buttons"');
    // Replying cleared the status; nothing was edited in place or posted besides the stream.
    expect(bench.slack.statusOf(channel, root)).toBeUndefined();
    expect(bench.slack.callsIn(channel, 'chat.update')).toHaveLength(0);
    expect(bench.slack.callsIn(channel, 'chat.postMessage')).toHaveLength(0);

    const stored = await bench.app.store.getConversation(conversationId(TEAM, channel, root));
    expect(stored?.turns.map((turn) => turn.role)).toEqual(['user', 'assistant']);
    expect(stored?.turns[1]?.text).toBe(ANSWER);
  });

  it('gathers the words into appends at most one an interval (50 ms here), within Slack’s limits', async () => {
    const channel = freshChannel();
    // About 2.5 s of answer, one word a frame: 100 frames Bedrock sends, far fewer calls Slack gets.
    const words = Array.from({ length: 100 }, (_, index) => `word${index}`).join(' ');
    bench.bedrock.script(HAIKU, { answer: words, tokensPerSecond: 40, wordsPerChunk: 1 });
    await mention(channel, 'Count for me');
    const stop = await stopIn(channel);

    const streaming = [
      ...bench.slack.callsIn(channel, 'chat.startStream'),
      ...bench.slack.callsIn(channel, 'chat.appendStream'),
    ].sort((a, b) => a.at - b.at);
    expect(streaming.length).toBeGreaterThan(2);
    expect(streaming.length).toBeLessThan(60);
    // One call an interval for the message (a few ms of the loopback's jitter aside); the stop, with
    // the rest, goes as soon as the answer is whole...
    const gaps = streaming.slice(1).map((call, index) => call.at - streaming[index]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
    // ...and none past the workspace's limits: Slack answered every one.
    const calls = [...streaming, stop];
    expect(calls.every((call) => call.response?.ok)).toBe(true);
    expect(calls.map(streamedBy).join('')).toBe(words);
  });
});

describe('what a streamed answer holds', () => {
  it('notifies no one for a mention the model writes, and ends a model’s failure under what already streamed', async () => {
    const channel = freshChannel();
    bench.bedrock.script(HAIKU, { answer: 'Tell <!channel> and <@UGRACE> about it.' });
    await mention(channel, 'Who should know?');
    const stop = await stopIn(channel);
    expect(bench.slack.textOf(channel, String(stop.args.ts))).toBe('Tell @channel and @UGRACE about it.');
    expect(bench.slack.pings.filter((ping) => ping.channel === channel)).toEqual([]);
  });

  it('says a model failed in the thread, as a message of its own when nothing streamed', async () => {
    const channel = freshChannel();
    bench.bedrock.script(HAIKU, {
      failure: { type: 'ThrottlingException', status: 429, message: 'Too many requests', times: 10 },
    });
    const root = await mention(channel, 'Are you there?');
    const failure = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.postMessage')
        .find((call) => visibleText(call.args.blocks).includes('could not answer')),
    );
    expect(failure.args.thread_ts).toBe(root);
    expect(bench.slack.callsIn(channel, 'chat.startStream')).toHaveLength(0);
    expect(bench.slack.statusOf(channel, root)).toBeUndefined();
    bench.bedrock.script(HAIKU, { answer: ANSWER });
  });

  it('streams the first 12,000 characters of a longer answer and follows them with the rest, the figures at the end', async () => {
    const channel = freshChannel();
    const paragraph = `${'A long paragraph about Bedrock. '.repeat(30).trim()}\n\n`;
    const answer = paragraph.repeat(16).trim();
    expect(answer.length).toBeGreaterThan(12_000);
    bench.bedrock.script(HAIKU, { answer, wordsPerChunk: 200 });
    await mention(channel, 'Write at length');
    const stop = await stopIn(channel);
    const rest = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.postMessage')
        .find((call) => visibleText(call.args.blocks).includes('out tokens')),
    );
    const streamed = bench.slack.textOf(channel, String(stop.args.ts)) ?? '';
    expect(streamed.length).toBeLessThanOrEqual(12_000);
    expect(stop.args.blocks).toBeUndefined();
    // Nothing lost, nothing twice: the two messages hold the answer between them.
    expect(`${streamed}${String(rest.args.text)}`.replace(/\s+/g, '')).toBe(answer.replace(/\s+/g, ''));
  });
});

describe('when Slack refuses to stream', () => {
  it('edits a placeholder in place instead, from the start, and goes straight there for the channel’s next answers', async () => {
    const channel = freshChannel();
    bench.slack.streamingUnsupported.add(channel);
    bench.bedrock.script(HAIKU, { answer: ANSWER });
    const root = await mention(channel, 'What is Amazon Bedrock?');

    const final = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.update')
        .find((call) => visibleText(call.args.blocks).includes('out tokens')),
    );
    expect(bench.slack.callsIn(channel, 'chat.startStream')[0]?.response).toMatchObject({
      ok: false,
      error: 'channel_type_not_supported',
    });
    expect(visibleText(final.args.blocks)).toContain('Amazon Bedrock is a *managed service*');
    expect(final.args.metadata).toMatchObject({ event_type: 'bedrock_slack_answer' });
    expect(bench.slack.callsIn(channel, 'chat.postMessage')).toHaveLength(1);

    await mention(channel, 'And what does it cost?', root);
    await bench.slack.waitFor(
      () =>
        bench.slack
          .callsIn(channel, 'chat.update')
          .filter((call) => visibleText(call.args.blocks).includes('out tokens')).length === 2 && true,
    );
    expect(bench.slack.callsIn(channel, 'chat.startStream')).toHaveLength(1);
  });

  it('edits in place when the token lacks the scope to stream', async () => {
    const channel = freshChannel();
    bench.slack.failNext('chat.startStream', { error: 'missing_scope' });
    bench.bedrock.script(HAIKU, { answer: ANSWER });
    await mention(channel, 'What is Amazon Bedrock?');
    const final = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.update')
        .find((call) => visibleText(call.args.blocks).includes('out tokens')),
    );
    expect(visibleText(final.args.blocks)).toContain('Amazon Bedrock is a *managed service*');
  });

  it('keeps every word when Slack ends the stream mid-answer: the same message carries on, edited in place', async () => {
    const channel = freshChannel();
    const words = Array.from({ length: 60 }, (_, index) => `w${index}`).join(' ');
    bench.bedrock.script(HAIKU, { answer: words, tokensPerSecond: 30, wordsPerChunk: 1 });
    await mention(channel, 'Go on for a while');
    // Once the first words are out, Slack ends the stream (as it does after five minutes).
    const start = await bench.slack.waitFor(() =>
      bench.slack.callsIn(channel, 'chat.startStream').find((call) => call.response),
    );
    bench.slack.endStream(channel, String(start.response?.ts));

    const final = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.update')
        .find((call) => visibleText(call.args.blocks).includes('out tokens')),
    );
    // Slack refused the append or the stop that came next, whichever came first.
    const refusals = [
      ...bench.slack.callsIn(channel, 'chat.appendStream'),
      ...bench.slack.callsIn(channel, 'chat.stopStream'),
    ].map((call) => call.response?.error);
    expect(refusals).toContain('message_not_in_streaming_state');
    // The update is of the streamed message itself, with the whole answer once.
    expect(final.args.ts).toBe(start.response?.ts);
    expect(String(final.args.text)).toBe(words);
    expect(bench.slack.textOf(channel, String(final.args.ts))).toBe(words);
    expect(final.args.metadata).toMatchObject({ event_type: 'bedrock_slack_answer' });
    expect(bench.slack.callsIn(channel, 'chat.postMessage')).toHaveLength(0);
  });

  it('edits in place, with every word once, when an append or the stop fails with a 5xx that may have landed', async () => {
    const channel = freshChannel();
    const words = Array.from({ length: 60 }, (_, index) => `v${index}`).join(' ');
    bench.bedrock.script(HAIKU, { answer: words, tokensPerSecond: 30, wordsPerChunk: 1 });
    await mention(channel, 'Go on for a while');
    const start = await bench.slack.waitFor(() =>
      bench.slack.callsIn(channel, 'chat.startStream').find((call) => call.response?.ok),
    );
    // Slack takes the next call, then answers 500: the app cannot know whether it landed.
    bench.slack.failNext('chat.appendStream', { status: 500, landed: true });
    bench.slack.failNext('chat.stopStream', { status: 500, landed: true });

    const final = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.update')
        .find((call) => visibleText(call.args.blocks).includes('out tokens')),
    );
    expect(final.args.ts).toBe(start.response?.ts);
    expect(bench.slack.textOf(channel, String(final.args.ts))).toBe(words);
    expect(bench.slack.callsIn(channel, 'chat.postMessage')).toHaveLength(0);
  });
});
