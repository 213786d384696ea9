import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { conversationId } from '../src/store/types.js';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const TEAM = 'T0001';
const HAIKU_PROFILE = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

// Each test talks in its own channel, so calls, threads and limits do not mix.
const freshChannel = () => `C${++counter}CHAT`;
const nextTs = () => `${1_800_000_000 + ++counter}.000100`;

interface Say {
  channel: string;
  text: string;
  user?: string;
  threadTs?: string;
  ts?: string;
  files?: unknown[];
  eventId?: string;
  retryNum?: number;
}

/** A person mentions the bot: Slack holds the message and sends the app_mention event. */
async function mention(say: Say): Promise<string> {
  const ts = say.ts ?? nextTs();
  const user = say.user ?? 'UADA';
  const text = `<@UBOT> ${say.text}`;
  bench.slack.seedMessage(say.channel, { ts, thread_ts: say.threadTs, user, text });
  const event: Record<string, unknown> = {
    type: 'app_mention',
    user,
    text,
    ts,
    channel: say.channel,
    event_ts: ts,
    ...(say.threadTs ? { thread_ts: say.threadTs } : {}),
    ...(say.files ? { files: say.files } : {}),
  };
  const answer = await bench.sender.event(event, { eventId: say.eventId, retryNum: say.retryNum });
  expect(answer.status).toBe(200);
  return ts;
}

/** The bot's final answers in a channel: messages marked as answers, in the order they were finished. */
const answersIn = (channel: string): RecordedCall[] =>
  bench.slack.calls.filter(
    (call) =>
      (call.method === 'chat.update' || call.method === 'chat.postMessage') &&
      call.args.channel === channel &&
      (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'bedrock_slack_answer',
  );

const waitForAnswers = (channel: string, count: number) =>
  bench.slack.waitFor(() => answersIn(channel).length >= count && answersIn(channel));

const postsIn = (channel: string) =>
  bench.slack.callsOf('chat.postMessage').filter((call) => call.args.channel === channel);

beforeAll(async () => {
  bench = await startBench({
    env: { CHAT_DEFAULT_MODEL: 'claude-3.5-haiku', RATE_LIMIT_USER_PER_MINUTE: '1000' },
  });
  bench.slack.users.set('UADA', 'Ada');
  bench.slack.users.set('UGRACE', 'Grace');
});
afterAll(() => bench.stop());

describe('talking with a model in a thread', () => {
  it('answers a mention in a thread and carries three turns of history, in Redis and in what Bedrock receives', async () => {
    const channel = freshChannel();
    bench.bedrock.script('anthropic.claude-3-5-haiku-20241022-v1:0', { answer: 'An answer from **Haiku**.' });
    const root = await mention({ channel, text: 'What is Amazon Bedrock?' });
    await waitForAnswers(channel, 1);
    await mention({ channel, text: 'And what does it cost?', threadTs: root });
    await waitForAnswers(channel, 2);
    await mention({ channel, text: 'Summarise both answers.', threadTs: root });
    const answers = await waitForAnswers(channel, 3);

    // Every reply is in the thread of the first mention, and none in the channel itself.
    expect(postsIn(channel).every((call) => call.args.thread_ts === root)).toBe(true);
    const last = answers[2]!;
    expect(visibleText(last.args.blocks)).toContain('An answer from *Haiku*.');
    expect(visibleText(last.args.blocks)).toMatch(/Claude 3.5 Haiku.*in \/ .*out tokens/);

    const stored = await bench.app.store.getConversation(conversationId(TEAM, channel, root));
    expect(stored?.modelId).toBe(HAIKU_PROFILE);
    expect(stored?.turns.map((turn) => [turn.role, turn.text])).toEqual([
      ['user', 'What is Amazon Bedrock?'],
      ['assistant', 'An answer from **Haiku**.'],
      ['user', 'And what does it cost?'],
      ['assistant', 'An answer from **Haiku**.'],
      ['user', 'Summarise both answers.'],
      ['assistant', 'An answer from **Haiku**.'],
    ]);
    expect(stored?.turns[0]?.author).toBe('Ada');
    expect(stored?.outputTokens).toBeGreaterThan(0);

    const received = bench.bedrock.calls.filter((call) =>
      JSON.stringify(call.body.messages).includes('Summarise both answers.'),
    );
    expect(received).toHaveLength(1);
    expect(received[0]?.invokedId).toBe(HAIKU_PROFILE);
    expect(received[0]?.body.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(received[0]?.body.messages[0]?.content).toEqual([{ text: 'What is Amazon Bedrock?' }]);
  });

  it('replies once to an event Slack delivers three times', async () => {
    const channel = freshChannel();
    const ts = nextTs();
    const eventId = `Ev${counter}TRIPLE`;
    await mention({ channel, text: 'Hello once', ts, eventId });
    await mention({ channel, text: 'Hello once', ts, eventId, retryNum: 1 });
    await mention({ channel, text: 'Hello once', ts, eventId, retryNum: 2 });
    await waitForAnswers(channel, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(postsIn(channel)).toHaveLength(1);
    expect(
      bench.bedrock.calls.filter((call) => JSON.stringify(call.body).includes('Hello once')),
    ).toHaveLength(1);
  });

  it('answers two mentions sent at once in one thread in order, the second seeing the first answer', async () => {
    const channel = freshChannel();
    bench.bedrock.script('amazon.nova-micro-v1:0', { answer: 'Nova here.', firstTokenMs: 150 });
    const root = await mention({ channel, text: 'use nova-micro' });
    await bench.slack.waitFor(() => postsIn(channel).length === 1);
    await Promise.all([
      mention({ channel, text: 'First question', threadTs: root }),
      new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
        mention({ channel, text: 'Second question', threadTs: root }),
      ),
    ]);
    await waitForAnswers(channel, 2);
    const calls = bench.bedrock.calls.filter((call) =>
      JSON.stringify(call.body).match(/(First|Second) question/),
    );
    expect(calls).toHaveLength(2);
    expect(JSON.stringify(calls[0]?.body.messages)).not.toContain('Second question');
    expect(calls[1]?.body.messages.map((message) => message.content[0]?.text)).toEqual([
      'First question',
      'Nova here.',
      'Second question',
    ]);
    expect(calls[1]!.receivedAt).toBeGreaterThanOrEqual(calls[0]!.finishedAt!);
  });

  it('switches a thread’s model, says so, and tells which model it uses', async () => {
    const channel = freshChannel();
    const root = await mention({ channel, text: 'use mistral-large' });
    const switched = await bench.slack.waitFor(() => postsIn(channel)[0]);
    expect(switched.args.thread_ts).toBe(root);
    expect(visibleText(switched.args.blocks)).toContain('now talks with *Mistral Large (24.02)*');
    await mention({ channel, text: 'model', threadTs: root });
    const which = await bench.slack.waitFor(() => postsIn(channel)[1]);
    expect(visibleText(which.args.blocks)).toContain('This thread talks with *Mistral Large (24.02)*');
    await mention({ channel, text: 'Bonjour', threadTs: root });
    await waitForAnswers(channel, 1);
    expect(bench.bedrock.calls.at(-1)?.modelId).toBe('mistral.mistral-large-2402-v1:0');

    // `as default` also sets the model of the user's next new thread.
    await mention({ channel, text: 'use mistral-large as default', threadTs: root, user: 'UGRACE' });
    await bench.slack.waitFor(() => postsIn(channel)[3]);
    const elsewhere = freshChannel();
    await mention({ channel: elsewhere, text: 'Hallo', user: 'UGRACE' });
    await waitForAnswers(elsewhere, 1);
    expect(bench.bedrock.calls.at(-1)?.modelId).toBe('mistral.mistral-large-2402-v1:0');

    await mention({ channel, text: 'use mistal-larg', threadTs: root });
    const refusal = await bench.slack.waitFor(() =>
      bench.slack.callsOf('chat.postEphemeral').find((call) => call.args.channel === channel),
    );
    expect(refusal.args.user).toBe('UADA');
    expect(visibleText(refusal.args.blocks)).toContain('Did you mean `mistral-large`');
  });

  it('sends an image to a vision model, and tells when a text-only model could not see it', async () => {
    const channel = freshChannel();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const image = bench.slack.addFile('diagram.png', 'image/png', png);
    const root = await mention({ channel, text: 'use nova-lite' });
    await bench.slack.waitFor(() => postsIn(channel).length === 1);
    await mention({ channel, text: 'What is in this picture?', threadTs: root, files: [image] });
    await waitForAnswers(channel, 1);
    const seen = bench.bedrock.calls.at(-1);
    expect(seen?.modelId).toBe('amazon.nova-lite-v1:0');
    expect(seen?.body.messages.at(-1)?.content).toEqual([
      { text: 'What is in this picture?' },
      { image: { format: 'png', source: { bytes: png.toString('base64') } } },
    ]);

    await mention({ channel, text: 'use nova-micro', threadTs: root });
    await bench.slack.waitFor(() => postsIn(channel).length === 3);
    await mention({ channel, text: 'And this one?', threadTs: root, files: [image] });
    const answers = await waitForAnswers(channel, 2);
    const unseen = bench.bedrock.calls.at(-1);
    expect(unseen?.modelId).toBe('amazon.nova-micro-v1:0');
    expect(JSON.stringify(unseen?.body.messages)).not.toContain('"image"');
    expect(visibleText(answers[1]?.args.blocks)).toMatch(
      /Nova Micro cannot see images, so it did not see diagram.png\. Models that would: .*nova-lite/,
    );
  });

  it('leaves the oldest turns out to fit a small context window, and says so', async () => {
    const channel = freshChannel();
    const root = nextTs();
    const long = 'word '.repeat(2_000);
    await bench.app.store.saveConversation(
      conversationId(TEAM, channel, root),
      {
        modelId: 'meta.llama3-70b-instruct-v1:0',
        turns: Array.from({ length: 10 }, (_, index) => ({
          role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
          text: `turn ${index}: ${long}`,
        })),
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      },
      3600,
    );
    await mention({ channel, text: 'What did we say?', threadTs: root });
    const [answer] = await waitForAnswers(channel, 1);
    const sent = bench.bedrock.calls.at(-1)!;
    expect(sent.modelId).toBe('meta.llama3-70b-instruct-v1:0');
    expect(sent.body.messages.length).toBeLessThan(11);
    expect(sent.body.messages[0]?.role).toBe('user');
    expect(sent.body.messages.at(-1)?.content[0]?.text).toBe('What did we say?');
    expect(JSON.stringify(sent.body.messages)).not.toContain('turn 0:');
    expect(visibleText(answer?.args.blocks)).toMatch(
      /oldest messages of this thread were left out to fit Llama 3 70B/,
    );
  });

  it('rebuilds a thread the store has lost from conversations.replies, leaving out the bot’s notices', async () => {
    const channel = freshChannel();
    const root = nextTs();
    bench.slack.seedMessage(channel, { ts: root, user: 'UADA', text: '<@UBOT> Name three AWS regions' });
    bench.slack.seedMessage(channel, {
      ts: nextTs(),
      thread_ts: root,
      user: 'UBOT',
      bot_id: 'BBOT',
      text: 'us-east-1, eu-west-1 and ap-south-1.',
      metadata: { event_type: 'bedrock_slack_answer', event_payload: { part: 1, of: 1 } },
    });
    bench.slack.seedMessage(channel, {
      ts: nextTs(),
      thread_ts: root,
      user: 'UBOT',
      bot_id: 'BBOT',
      text: 'Claude 3.5 Haiku is thinking…',
    });
    bench.slack.seedMessage(channel, {
      ts: nextTs(),
      thread_ts: root,
      user: 'UGRACE',
      text: 'I prefer Frankfurt.',
    });
    await mention({ channel, user: 'UADA', text: 'Which of them is closest to Germany?', threadTs: root });
    await waitForAnswers(channel, 1);

    expect(bench.slack.callsOf('conversations.replies')).toHaveLength(1);
    const sent = bench.bedrock.calls.at(-1)!;
    expect(sent.body.messages.map((message) => [message.role, message.content[0]?.text])).toEqual([
      ['user', 'Ada: Name three AWS regions'],
      ['assistant', 'us-east-1, eu-west-1 and ap-south-1.'],
      ['user', 'Grace: I prefer Frankfurt.\n\nAda: Which of them is closest to Germany?'],
    ]);
  });

  it('tells the user in the thread when the model is throttled, instead of going silent', async () => {
    const channel = freshChannel();
    bench.bedrock.script('mistral.mistral-7b-instruct-v0:2', {
      failure: { type: 'ThrottlingException', status: 429, message: 'Too many requests' },
    });
    const root = await mention({ channel, text: 'use mistral-7b' });
    await bench.slack.waitFor(() => postsIn(channel).length === 1);
    await mention({ channel, text: 'Are you there?', threadTs: root });
    const failure = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.update')
        .find(
          (call) =>
            call.args.channel === channel && visibleText(call.args.blocks).includes('could not answer'),
        ),
    );
    expect(visibleText(failure.args.blocks)).toContain('Bedrock is throttling this model right now');
    const stored = await bench.app.store.getConversation(conversationId(TEAM, channel, root));
    expect(stored?.turns).toEqual([]);
  });

  it('treats every message in a DM as a turn, replying beside it, and ignores the bot’s own messages', async () => {
    const channel = 'D0001CHAT';
    const dm = (text: string, extra: Record<string, unknown> = {}) =>
      bench.sender.event({
        type: 'message',
        channel_type: 'im',
        channel,
        user: 'UADA',
        text,
        ts: nextTs(),
        ...extra,
      });
    await dm('Hi, no mention needed');
    await dm('I am the bot talking', { bot_id: 'BBOT', user: 'UBOT' });
    await dm('edited', { subtype: 'message_changed' });
    const [answer] = await waitForAnswers(channel, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(postsIn(channel)).toHaveLength(1);
    expect(postsIn(channel)[0]?.args.thread_ts).toBeUndefined();
    expect(answer?.args.channel).toBe(channel);
  });

  it('sends a PDF to a model that reads documents, and a text file inline to one that does not', async () => {
    const channel = freshChannel();
    const pdf = bench.slack.addFile('Q3 report.pdf', 'application/pdf', Buffer.from('%PDF-1.4 fake'));
    const notes = bench.slack.addFile('notes.md', 'text/markdown', Buffer.from('# Notes\n- ship it'));
    const root = await mention({ channel, text: 'Summarise this', files: [pdf] });
    await waitForAnswers(channel, 1);
    expect(bench.bedrock.calls.at(-1)?.body.messages.at(-1)?.content[1]).toEqual({
      document: {
        format: 'pdf',
        name: 'Q3 report',
        source: { bytes: Buffer.from('%PDF-1.4 fake').toString('base64') },
      },
    });

    await mention({ channel, text: 'use nova-micro', threadTs: root });
    await bench.slack.waitFor(() => postsIn(channel).length === 2);
    await mention({ channel, text: 'And these notes?', threadTs: root, files: [notes] });
    await waitForAnswers(channel, 2);
    const inline = bench.bedrock.calls.at(-1)?.body.messages.at(-1)?.content;
    expect(inline).toHaveLength(1);
    expect(inline?.[0]?.text).toContain('notes.md:\n```\n# Notes\n- ship it\n```');
  });

  it('refuses privately, in the thread, once the daily spend cap is reached', async () => {
    const channel = freshChannel();
    const day = new Date().toISOString().slice(0, 10);
    await bench.app.store.addToTotal(`spend:${TEAM}:USPENT:${day}`, 50, 3600);
    const ts = await mention({ channel, user: 'USPENT', text: 'One more question' });
    const refusal = await bench.slack.waitFor(() =>
      bench.slack.callsOf('chat.postEphemeral').find((call) => call.args.channel === channel),
    );
    expect(refusal.args).toMatchObject({ user: 'USPENT', thread_ts: ts });
    expect(visibleText(refusal.args.blocks)).toContain('daily Bedrock budget');
    expect(postsIn(channel)).toHaveLength(0);
  });

  // Last: it stops the shared redis-server.
  it('answers in the thread that the store is down, rather than going silent', async () => {
    const channel = freshChannel();
    await bench.redis?.stop();
    const ts = await mention({ channel, text: 'Are you there?' });
    const reply = await bench.slack.waitFor(() => postsIn(channel)[0]);
    expect(reply.args.thread_ts).toBe(ts);
    expect(visibleText(reply.args.blocks)).toContain('state store (Redis) is unreachable');
  });
});
