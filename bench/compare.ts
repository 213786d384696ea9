/**
 * Compare latency figures on the offline bench (real Bolt app, real AWS SDK, loopback Slack and
 * Bedrock). For N = 2…6 models with scripted latencies it reports:
 *  - wall / slowest: from the slash command to the final Slack update, over the slowest model's own
 *    time in the emulator (1.0 would be perfect parallelism; the target is ≤ 1.1);
 *  - first-token delay: from the emulator sending the first token to the first Slack update showing it.
 */
import { DEFAULT_MODELS } from '../src/playground/bedrock-simulator.js';
import { startBench } from '../test/support/harness.js';

const MODELS = [
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'meta.llama3-70b-instruct-v1:0',
  'mistral.mistral-large-2402-v1:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-3-5-haiku-20241022-v1:0',
];
const ALIASES = [
  'nova-micro',
  'nova-lite',
  'llama3-70b',
  'mistral-large',
  'claude-3-haiku',
  'claude-3.5-haiku',
];
const ROUNDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchCompare(): Promise<void> {
  const bench = await startBench({
    redis: false,
    overrides: { updateIntervalMs: 1000 },
    env: { RATE_LIMIT_USER_PER_MINUTE: '1000', RATE_LIMIT_TEAM_PER_MINUTE: '1000' },
  });
  const rows: string[] = [];
  try {
    MODELS.forEach((id, index) => {
      // Model i: first token after 300 + 150·i ms, then 60 words at 80 + 20·i words/s (≈ 1–1.3 s of streaming).
      bench.bedrock.script(id, {
        answer: Array.from({ length: 60 }, (_, word) => `m${index}w${word}`).join(' '),
        firstTokenMs: 300 + 150 * index,
        tokensPerSecond: 80 + 20 * index,
        wordsPerChunk: 3,
      });
    });
    if (!DEFAULT_MODELS.some((model) => model.modelId === MODELS[5]))
      throw new Error('bench models missing from the emulator');
    for (let count = 2; count <= 6; count++) {
      const ratios: number[] = [];
      const delays: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const channel = `CBENCH${count}${round}`;
        const callsBefore = bench.bedrock.calls.length;
        const sent = performance.now();
        await bench.sender.command('/compare', `${ALIASES.slice(0, count).join(' ')} Benchmark prompt`, {
          channelId: channel,
        });
        const final = await bench.slack.waitFor(
          () =>
            bench.slack
              .callsOf('chat.update')
              .find(
                (call) =>
                  call.args.channel === channel && JSON.stringify(call.args.blocks).includes('Summary'),
              ),
          60_000,
        );
        const calls = bench.bedrock.calls.slice(callsBefore);
        const slowest = Math.max(...calls.map((call) => (call.finishedAt ?? 0) - call.receivedAt));
        ratios.push((final.at - sent) / slowest);
        const first = calls
          .filter((call) => call.firstTokenSentAt !== undefined)
          .sort((a, b) => (a.firstTokenSentAt ?? 0) - (b.firstTokenSentAt ?? 0))[0];
        const marker = `m${MODELS.indexOf(first?.modelId ?? '')}w0`;
        const shown = bench.slack
          .callsOf('chat.update')
          .find((call) => call.args.channel === channel && JSON.stringify(call.args.blocks).includes(marker));
        if (first?.firstTokenSentAt !== undefined && shown) delays.push(shown.at - first.firstTokenSentAt);
      }
      rows.push(`| ${count} | ${median(ratios).toFixed(3)} | ${median(delays).toFixed(1)} ms |`);
    }
  } finally {
    await bench.stop();
  }
  console.log(`\n/compare on the offline bench, median of ${ROUNDS} runs\n`);
  console.log('| models | wall / slowest model | first token → first Slack update |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(row);
}
