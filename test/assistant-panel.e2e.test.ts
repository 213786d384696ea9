import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobTimeline } from '../src/playground/bedrock-simulator.js';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { conversationId } from '../src/store/types.js';
import { visibleText } from './support/blocks.js';
import { type Bench, NATIVE_STREAMING_ENV, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const TEAM = 'T0001';
const PANEL = 'D0PANEL';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const NOVA_MICRO = 'amazon.nova-micro-v1:0';

const nextTs = () => `${1_820_000_000 + ++counter}.000100`;

/** Ada opens the assistant panel: Slack starts a thread in her DM with the app and says so. */
async function openPanel(): Promise<string> {
  const threadTs = nextTs();
  const answer = await bench.sender.event({
    type: 'assistant_thread_started',
    assistant_thread: {
      user_id: 'UADA',
      context: { channel_id: 'CGENERAL', team_id: TEAM, enterprise_id: null },
      channel_id: PANEL,
      thread_ts: threadTs,
    },
    event_ts: threadTs,
  });
  expect(answer.status).toBe(200);
  return threadTs;
}

/** Ada writes in the panel's thread (or clicks a suggested prompt, which sends it the same way). */
async function ask(threadTs: string, text: string): Promise<string> {
  const ts = nextTs();
  bench.slack.seedMessage(PANEL, { ts, thread_ts: threadTs, user: 'UADA', text });
  const answer = await bench.sender.event({
    type: 'message',
    channel: PANEL,
    channel_type: 'im',
    user: 'UADA',
    text,
    ts,
    thread_ts: threadTs,
    event_ts: ts,
  });
  expect(answer.status).toBe(200);
  return ts;
}

const inThread = (method: string, threadTs: string): RecordedCall[] =>
  bench.slack
    .callsOf(method)
    .filter(
      (call) => (call.args.channel ?? call.args.channel_id) === PANEL && call.args.thread_ts === threadTs,
    );

const stopsIn = (threadTs: string) => {
  const streams = new Set(inThread('chat.startStream', threadTs).map((call) => call.response?.ts));
  return bench.slack
    .callsOf('chat.stopStream')
    .filter((call) => streams.has(String(call.args.ts)) && call.response?.ok);
};

beforeAll(async () => {
  bench = await startBench({
    env: {
      ...NATIVE_STREAMING_ENV,
    },
  });
});
afterAll(() => bench.stop());

describe('the assistant panel', () => {
  it('suggests prompts that show the app off when it opens', async () => {
    const threadTs = await openPanel();
    const suggested = await bench.slack.waitFor(
      () => inThread('assistant.threads.setSuggestedPrompts', threadTs)[0],
    );
    expect(suggested.response).toMatchObject({ ok: true });
    const prompts = suggested.args.prompts as { title: string; message: string }[];
    expect(prompts.length).toBeLessThanOrEqual(4);
    // The compare names two models of the live catalog (the workspace's compare set), as written.
    expect(prompts[0]?.message).toMatch(/^Compare Nova Micro and Claude 3\.5 Haiku on /);
    expect(prompts.map((prompt) => prompt.message)).toContain('What are my running fine-tuning jobs?');
    expect(bench.slack.assistantThread(PANEL, threadTs).prompts).toEqual(prompts);
    // Bolt's own context store would spend the one thread read a minute; the app reads nothing.
    expect(bench.slack.callsOf('conversations.replies')).toHaveLength(0);
  });

  it('titles the thread after the first question, says "is thinking…" and streams the answer with its figures', async () => {
    bench.bedrock.script(HAIKU, { answer: 'Bedrock serves **foundation models**.', firstTokenMs: 200 });
    const threadTs = await openPanel();
    await ask(threadTs, 'What is Amazon Bedrock?');

    await bench.slack.waitFor(() => bench.slack.statusOf(PANEL, threadTs) === 'is thinking…');
    const [stop] = await bench.slack.waitFor(() => stopsIn(threadTs).length === 1 && stopsIn(threadTs));
    expect(inThread('assistant.threads.setTitle', threadTs).map((call) => call.args.title)).toEqual([
      'What is Amazon Bedrock?',
    ]);
    expect(bench.slack.assistantThread(PANEL, threadTs).title).toBe('What is Amazon Bedrock?');
    // A thread the panel just opened has no history to look for: no thread read, and no note about one.
    expect(
      bench.slack.callsOf('conversations.replies').filter((call) => call.args.ts === threadTs),
    ).toHaveLength(0);
    expect(visibleText(stop?.args.blocks)).not.toContain('earlier messages');
    expect(bench.slack.textOf(PANEL, String(stop?.args.ts))).toBe('Bedrock serves **foundation models**.');
    expect(visibleText(stop?.args.blocks)).toMatch(/Claude 3.5 Haiku.*in \/ .*out tokens/);
    // Slack's feedback buttons close the streamed answer, as they close one edited in place.
    expect(JSON.stringify(stop?.args.blocks)).toContain('"type":"feedback_buttons"');
    expect(bench.slack.statusOf(PANEL, threadTs)).toBeUndefined();
  });

  it('shows the latest line of a reasoning model’s thought in the status, and only the answer in the thread', async () => {
    const thought =
      'Bedrock hosts many models.\nSome reason before they answer.\nSo I list the cheapest first.';
    bench.bedrock.script('openai.gpt-oss-120b-1:0', {
      reasoning: thought,
      answer: 'Nova Micro is the cheapest.',
      tokensPerSecond: 20,
    });
    const threadTs = await openPanel();
    await ask(threadTs, 'use gpt-oss-120b');
    await bench.slack.waitFor(() => inThread('chat.postMessage', threadTs).length === 1);
    await ask(threadTs, 'Which model is cheapest?');
    const [stop] = await bench.slack.waitFor(() => stopsIn(threadTs).length === 1 && stopsIn(threadTs));

    const statuses = inThread('assistant.threads.setStatus', threadTs).map((call) => call.args.status);
    expect(statuses[0]).toBe('is thinking…');
    expect(statuses).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^is thinking… (Some reason before|So I list the cheapest)/),
      ]),
    );
    expect(bench.slack.textOf(PANEL, String(stop?.args.ts))).toBe('Nova Micro is the cheapest.');
    await bench.slack.waitFor(() => bench.slack.statusOf(PANEL, threadTs) === undefined);
  });

  it('is the same thread conversation as a DM: history, and switching models', async () => {
    bench.bedrock.script(HAIKU, { answer: 'Haiku answers.' });
    bench.bedrock.script(NOVA_MICRO, { answer: 'Nova answers.' });
    const threadTs = await openPanel();
    await ask(threadTs, 'Tell me about S3.');
    await bench.slack.waitFor(() => stopsIn(threadTs).length === 1);
    await ask(threadTs, 'use nova-micro');
    await bench.slack.waitFor(() =>
      inThread('chat.postMessage', threadTs).some((call) =>
        visibleText(call.args.blocks).includes('now talks with'),
      ),
    );
    await ask(threadTs, 'And Glacier?');
    await bench.slack.waitFor(() => stopsIn(threadTs).length === 2);

    const stored = await bench.app.store.getConversation(conversationId(TEAM, PANEL, threadTs));
    expect(stored?.turns.map((turn) => turn.text)).toEqual([
      'Tell me about S3.',
      'Haiku answers.',
      'And Glacier?',
      'Nova answers.',
    ]);
    const novaCall = bench.bedrock.calls.find((call) =>
      JSON.stringify(call.body.messages).includes('And Glacier?'),
    );
    expect(novaCall?.invokedId).toContain('nova-micro');
    expect(novaCall?.body.messages).toHaveLength(3);
    // Only the first question titled the thread.
    expect(inThread('assistant.threads.setTitle', threadTs)).toHaveLength(1);
  });

  it('runs "compare nova-micro and haiku on …" as a compare in the panel’s thread', async () => {
    // `haiku` is the newest Haiku the catalog has.
    bench.bedrock.script('anthropic.claude-haiku-4-5-20251001-v1:0', { answer: 'Haiku on S3.' });
    bench.bedrock.script(NOVA_MICRO, { answer: 'Nova on S3.' });
    const threadTs = await openPanel();
    await ask(threadTs, 'compare nova-micro and haiku on what is S3?');

    const final = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.update')
        .find(
          (call) =>
            call.args.channel === PANEL &&
            visibleText(call.args.blocks).includes('Haiku on S3.') &&
            visibleText(call.args.blocks).includes('Nova on S3.') &&
            !visibleText(call.args.blocks).includes('…'),
        ),
    );
    const [posted] = inThread('chat.postMessage', threadTs);
    expect(final.args.ts).toBe(posted?.response?.ts);
    const prompts = bench.bedrock.calls.filter((call) =>
      JSON.stringify(call.body.messages).includes('what is S3?'),
    );
    expect(prompts.map((call) => call.body.messages[0]?.content)).toEqual([
      [{ text: 'what is S3?' }],
      [{ text: 'what is S3?' }],
    ]);
    // A compare is not a turn of the conversation.
    expect(inThread('chat.startStream', threadTs)).toHaveLength(0);
  });

  it('answers "what are my running fine-tuning jobs?" with the running jobs', async () => {
    const running = bench.bedrock.addJob({
      name: 'panel-running',
      baseModelId: 'amazon.nova-micro-v1:0:128k',
      customModelName: 'panel-running-model',
      timeline: jobTimeline('Completed'),
    });
    bench.bedrock.addJob({
      name: 'panel-failed',
      baseModelId: 'amazon.nova-micro-v1:0:128k',
      customModelName: 'panel-failed-model',
      timeline: [{ afterMs: 0, status: 'Failed' }],
    });
    expect(running).toBeTruthy();
    const threadTs = await openPanel();
    await ask(threadTs, 'What are my running fine-tuning jobs?');

    const list = await bench.slack.waitFor(() =>
      inThread('chat.postMessage', threadTs).find((call) =>
        visibleText(call.args.blocks).includes('Customization jobs'),
      ),
    );
    expect(visibleText(list.args.blocks)).toContain('panel-running');
    expect(visibleText(list.args.blocks)).not.toContain('panel-failed');
    expect(inThread('chat.startStream', threadTs)).toHaveLength(0);
  });

  it('takes "Evaluate these prompts…" to the evaluations, which say how to attach the prompt set', async () => {
    const threadTs = await openPanel();
    const suggested = await bench.slack.waitFor(
      () => inThread('assistant.threads.setSuggestedPrompts', threadTs)[0],
    );
    const evaluate = (suggested.args.prompts as { title: string; message: string }[]).find(
      (prompt) => prompt.title === 'Evaluate these prompts…',
    );
    expect(evaluate?.message).toBe('evaluate nova-micro claude-3.5-haiku');
    await ask(threadTs, evaluate?.message ?? '');
    const told = await bench.slack.waitFor(() => inThread('chat.postMessage', threadTs)[0]);
    expect(visibleText(told.args.blocks)).toContain('Attach the prompt set to the same message');
    expect(inThread('chat.startStream', threadTs)).toHaveLength(0);
  });

  it('answers "help" with what the panel understands', async () => {
    const threadTs = await openPanel();
    await ask(threadTs, 'help');
    const help = await bench.slack.waitFor(() => inThread('chat.postMessage', threadTs)[0]);
    const shown = visibleText(help.args.blocks);
    expect(shown).toContain('`compare nova-micro and haiku on <prompt>`');
    expect(shown).toContain('`what are my running fine-tuning jobs?`');
    expect(shown).not.toContain('@Bedrock');
  });
});

describe('the assistant panel of an app installed before it asked for assistant:write', () => {
  it('still answers, streamed, while Slack refuses the prompts and the title', async () => {
    bench.slack.scopes.delete('assistant:write');
    try {
      bench.bedrock.script(HAIKU, { answer: 'Still here.' });
      const threadTs = await openPanel();
      await ask(threadTs, 'Are you there?');
      await bench.slack.waitFor(() => stopsIn(threadTs).length === 1);
      expect(inThread('assistant.threads.setSuggestedPrompts', threadTs)[0]?.response).toMatchObject({
        ok: false,
        error: 'missing_scope',
        needed: 'assistant:write',
      });
      expect(inThread('assistant.threads.setTitle', threadTs)[0]?.response).toMatchObject({
        error: 'missing_scope',
      });
      // The status takes chat:write as well.
      expect(inThread('assistant.threads.setStatus', threadTs)[0]?.response).toMatchObject({ ok: true });
    } finally {
      bench.slack.scopes.add('assistant:write');
    }
  });
});
