/**
 * A thread answer streamed natively (chat.startStream / appendStream / stopStream) beside the same
 * answer edited in place (chat.postMessage then chat.update), on the offline bench, the app's own
 * pacing (one call a second per message, 100 appends a minute per workspace):
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

export async function benchNativeStreaming(): Promise<void> {
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
