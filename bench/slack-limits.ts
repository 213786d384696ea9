/**
 * Slack's rate limits at their real pace (chat.update 50 a minute per workspace, one post a second
 * per channel, one update a second per message), enforced by the local Slack as Slack does: ten
 * 4-model compares at once in one workspace. Reports the 429 answers (the target is none), the
 * messages that ended final, and how long a model's first token took to show: from the simulator
 * sending it to the first update showing it (median and worst).
 */

import { visibleText } from '../src/playground/local-slack.js';
import { startBench } from '../test/support/harness.js';

const COMPARES = 10;
const MODELS = [
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'meta.llama3-70b-instruct-v1:0',
  'mistral.mistral-large-2402-v1:0',
];
const ALIASES = 'nova-micro nova-lite llama3-70b mistral-large';

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? Number.NaN;

export async function benchSlackLimits(): Promise<void> {
  const bench = await startBench({
    env: {
      SLACK_UPDATES_PER_MINUTE: '50',
      SLACK_POSTS_PER_CHANNEL_PER_MINUTE: '60',
      RATE_LIMIT_USER_PER_MINUTE: '100',
      RATE_LIMIT_TEAM_PER_MINUTE: '100',
      LOG_LEVEL: 'warn',
    },
    overrides: { updateIntervalMs: 1000 },
  });
  const delays: number[] = [];
  let finals = 0;
  let overLimit = 0;
  const started = performance.now();
  try {
    MODELS.forEach((id, index) => {
      // Model i: first token after 300 + 300·i ms, then 200 words at 40 words/s (5 s of streaming).
      bench.bedrock.script(id, {
        answer: Array.from({ length: 200 }, (_, word) => `m${index}w${word}`).join(' '),
        firstTokenMs: 300 + 300 * index,
        tokensPerSecond: 40,
        wordsPerChunk: 2,
      });
    });
    await Promise.all(
      Array.from({ length: COMPARES }, (_, index) =>
        bench.sender.command('/compare', `${ALIASES} Question ${index}`, {
          channelId: `CLIMITS${index % 3}`,
          userId: `U${index}`,
          responseId: `limits${index}`,
        }),
      ),
    );
    const posts = () => bench.slack.callsOf('chat.postMessage').filter((call) => call.response?.ok);
    const finalOf = (ts: unknown) =>
      bench.slack
        .callsOf('chat.update')
        .find((update) => update.args.ts === ts && visibleText(update.args.blocks).includes('Summary'));
    await bench.slack.waitFor(
      () => posts().length === COMPARES && posts().every((post) => finalOf(post.response?.ts)),
      180_000,
    );
    for (const post of posts()) {
      if (finalOf(post.response?.ts)) finals += 1;
      const question = String(post.args.text).match(/Question (\d+)/)?.[1];
      const updates = bench.slack
        .callsOf('chat.update')
        .filter((update) => update.args.ts === post.response?.ts);
      MODELS.forEach((id, index) => {
        const call = bench.bedrock
          .callsFor(id)
          .find((candidate) => JSON.stringify(candidate.body.messages).includes(`Question ${question}"`));
        const shown = updates.find((update) => visibleText(update.args.blocks).includes(`m${index}w0`));
        if (call?.firstTokenSentAt !== undefined && shown) delays.push(shown.at - call.firstTokenSentAt);
      });
    }
    overLimit = bench.slack.calls.filter((call) => call.overLimit).length;
  } finally {
    await bench.stop();
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\n${COMPARES} 4-model compares at once in one workspace, Slack's limits at their real pace\n`);
  console.log('| figure | value |');
  console.log('|---|---|');
  console.log(`| 429 answers (past Slack's limits) | ${overLimit} |`);
  console.log(`| messages final | ${finals} of ${COMPARES} |`);
  console.log(
    `| a model's first token → its first visible update, median / worst | ${seconds(quantile(delays, 0.5))} / ${seconds(Math.max(...delays))} (${delays.length} models) |`,
  );
  console.log(`| all done after | ${seconds(performance.now() - started)} |`);
}
