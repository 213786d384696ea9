/**
 * Three, then ten thread answers at once in one workspace at Slack's real limits (measureAtOnce); then a
 * thread answer streamed natively (chat.startStream / appendStream / stopStream) beside the same
 * answer edited in place (chat.postMessage then chat.update), on the offline bench, at the app's own
 * pace (one call a second per message):
 *  - first token → first Slack call showing it;
 *  - last token → the final state (the stop, or the final update);
 *  - Slack calls per answer, and what they carry (bytes sent to Slack).
 * The two modes run one after the other in one process, answer for answer, so compare the ratios.
 */
import { startBench } from '../test/support/harness.js';

const ANSWERS = 5;
const WORDS = 300;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

interface ModeFigures {
  firstShownMs: number;
  finalAfterLastTokenMs: number;
  calls: number;
  kilobytes: number;
}

async function measure(mode: 'native' | 'edit'): Promise<ModeFigures> {
  const bench = await startBench({
    overrides: { updateIntervalMs: 1000 },
    env: { CHAT_STREAMING: mode, RATE_LIMIT_USER_PER_MINUTE: '1000', CHAT_DEFAULT_MODEL: 'nova-micro' },
  });
  bench.bedrock.script('amazon.nova-micro-v1:0', {
    answer: Array.from({ length: WORDS }, (_, word) => `word${word}`).join(' '),
    firstTokenMs: 200,
    tokensPerSecond: 100,
    wordsPerChunk: 2,
  });
  const firstShown: number[] = [];
  const finals: number[] = [];
  const calls: number[] = [];
  const bytes: number[] = [];
  const writes = [
    'chat.postMessage',
    'chat.update',
    'chat.startStream',
    'chat.appendStream',
    'chat.stopStream',
  ];
  try {
    for (let answer = 1; answer <= ANSWERS; answer++) {
      const channel = `CBENCH${mode.toUpperCase()}${answer}`;
      const ts = `${1_950_000_000 + answer}.000100`;
      await bench.sender.event({
        type: 'app_mention',
        user: 'UBENCH',
        text: `<@UBOT> question ${answer}`,
        ts,
        channel,
        event_ts: ts,
      });
      const inChannel = () =>
        bench.slack.calls.filter((call) => call.args.channel === channel && writes.includes(call.method));
      const final = await bench.slack.waitFor(
        () =>
          inChannel().find(
            (call) =>
              (call.args.metadata as { event_type?: string } | undefined)?.event_type ===
              'bedrock_slack_answer',
          ),
        60_000,
      );
      const model = bench.bedrock.calls.at(-1);
      const shown = inChannel().find((call) => JSON.stringify(call.args).includes('word0'));
      if (model?.firstTokenSentAt !== undefined && shown) firstShown.push(shown.at - model.firstTokenSentAt);
      if (model?.finishedAt !== undefined) finals.push(final.at - model.finishedAt);
      calls.push(inChannel().length);
      bytes.push(inChannel().reduce((sum, call) => sum + JSON.stringify(call.args).length, 0));
    }
  } finally {
    await bench.stop();
  }
  return {
    firstShownMs: median(firstShown),
    finalAfterLastTokenMs: median(finals),
    calls: median(calls),
    kilobytes: median(bytes) / 1024,
  };
}

/** How many conversations stream at once in one workspace, at Slack's own limits (NATIVE_AT_ONCE=3,10). */
const AT_ONCE_LEVELS = (process.env.NATIVE_AT_ONCE ?? '3,10').split(',').map(Number);

/**
 * `atOnce` thread answers asked at the same moment in one workspace (each in its own channel), with
 * the app and the local Slack at Slack's real limits (chat.startStream and chat.stopStream 20 a
 * minute each, chat.appendStream 100, chat.update 50): the answers Slack refused with 429, the
 * answers that reached their final state with every word, and how long a person waited from the
 * model's first token to seeing it.
 */
async function measureAtOnce(atOnce: number): Promise<void> {
  const bench = await startBench({
    overrides: { updateIntervalMs: 1000 },
    env: {
      CHAT_STREAMING: 'native',
      CHAT_DEFAULT_MODEL: 'nova-micro',
      RATE_LIMIT_USER_PER_MINUTE: '1000',
      RATE_LIMIT_TEAM_PER_MINUTE: '1000',
      SLACK_UPDATES_PER_MINUTE: '50',
      SLACK_POSTS_PER_CHANNEL_PER_MINUTE: '60',
      SLACK_STREAMS_PER_MINUTE: '20',
      SLACK_STREAM_APPENDS_PER_MINUTE: '100',
    },
  });
  const answer = Array.from({ length: WORDS }, (_, word) => `word${word}`).join(' ');
  bench.bedrock.script('amazon.nova-micro-v1:0', {
    answer,
    firstTokenMs: 200,
    tokensPerSecond: 100,
    wordsPerChunk: 2,
  });
  const channels = Array.from({ length: atOnce }, (_, index) => `CATONCE${index}`);
  const isFinal = (call: { args: Record<string, unknown>; response?: Record<string, unknown> }) =>
    Boolean(call.response?.ok) &&
    (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'bedrock_slack_answer';
  const started = performance.now();
  try {
    await Promise.all(
      channels.map((channel, index) => {
        const ts = `${1_960_000_000 + index}.000100`;
        return bench.sender.event({
          type: 'app_mention',
          user: `UBENCH${index}`,
          text: `<@UBOT> question ${index}`,
          ts,
          channel,
          event_ts: ts,
        });
      }),
    );
    const finals = await bench.slack.waitFor(() => {
      const done = channels.filter((channel) =>
        bench.slack.calls.some((call) => call.args.channel === channel && isFinal(call)),
      );
      return done.length === channels.length && done;
    }, 180_000);
    const allDoneS = (performance.now() - started) / 1000;
    const waits: number[] = [];
    let whole = 0;
    let edited = 0;
    for (const [index, channel] of channels.entries()) {
      const calls = bench.slack.calls.filter((call) => call.args.channel === channel);
      const model = bench.bedrock.calls.find((call) =>
        JSON.stringify(call.body.messages.at(-1)).includes(`question ${index}`),
      );
      const shown = calls.find((call) => call.response?.ok && JSON.stringify(call.args).includes('word0'));
      if (model?.firstTokenSentAt !== undefined && shown) waits.push(shown.at - model.firstTokenSentAt);
      const stop = calls.find((call) => call.method === 'chat.stopStream' && isFinal(call));
      const text = stop ? bench.slack.textOf(channel, String(stop.args.ts)) : undefined;
      if (text === answer) whole++;
      if (calls.some((call) => call.method === 'chat.update')) edited++;
    }
    const refused = bench.slack.calls.filter((call) => call.overLimit).length;
    const count = (method: string) => bench.slack.callsOf(method).length;
    console.log(
      `\n${atOnce} thread answers at once in one workspace (${WORDS} words at 100 tokens/s each), at Slack's limits\n`,
    );
    console.log('| figure | value |');
    console.log('|---|---|');
    console.log(`| 429 answers (past Slack's limits) | ${refused} |`);
    console.log(`| answers final | ${finals.length} / ${atOnce} |`);
    console.log(`| streams stopped with every word | ${whole} / ${atOnce} |`);
    console.log(`| answers edited in place instead | ${edited} |`);
    console.log(`| first token → first visible (median) | ${median(waits).toFixed(0)} ms |`);
    console.log(`| first token → first visible (max) | ${Math.max(...waits).toFixed(0)} ms |`);
    console.log(`| all final after | ${allDoneS.toFixed(1)} s |`);
    console.log(
      `| startStream / appendStream / stopStream calls | ${count('chat.startStream')} / ${count('chat.appendStream')} / ${count('chat.stopStream')} |`,
    );
  } finally {
    await bench.stop();
  }
}

export async function benchNativeStreaming(): Promise<void> {
  for (const atOnce of AT_ONCE_LEVELS) await measureAtOnce(atOnce);
  const native = await measure('native');
  const edit = await measure('edit');
  const ratio = (a: number, b: number) => (b > 0 ? `×${(a / b).toFixed(2)}` : '–');
  console.log(
    `\nA ${WORDS}-word thread answer at 100 tokens/s, streamed natively beside edited in place (median of ${ANSWERS})\n`,
  );
  console.log('| figure | native | edit in place | native / edit |');
  console.log('|---|---|---|---|');
  const row = (name: string, a: number, b: number, unit: string, digits = 0) =>
    console.log(`| ${name} | ${a.toFixed(digits)} ${unit} | ${b.toFixed(digits)} ${unit} | ${ratio(a, b)} |`);
  row('first token → first Slack call showing it', native.firstShownMs, edit.firstShownMs, 'ms', 1);
  row('last token → final state', native.finalAfterLastTokenMs, edit.finalAfterLastTokenMs, 'ms', 1);
  row('Slack calls per answer', native.calls, edit.calls, '');
  row('sent to Slack per answer', native.kilobytes, edit.kilobytes, 'kB', 1);
}
