/**
 * A reasoning compare on the offline bench: gpt-oss-120b and DeepSeek-R1 think before they answer,
 * Nova Micro does not. For each model it reports what the app showed beside what the emulator did:
 *  - first token (anything) and first answer token, as shown, and the emulator's own instants;
 *  - thinking time and the split of the billed output into answer and reasoning tokens (≈);
 *  - "thinking…" shown: from the first reasoning token sent to the first Slack update saying so.
 */
import { tableRows, visibleText } from '../test/support/blocks.js';
import { startBench } from '../test/support/harness.js';

const MODELS = [
  { alias: 'gpt-oss-120b', id: 'openai.gpt-oss-120b-1:0', thoughtWords: 120 },
  { alias: 'deepseek-r1', id: 'deepseek.r1-v1:0', thoughtWords: 240 },
  { alias: 'nova-micro', id: 'amazon.nova-micro-v1:0', thoughtWords: 0 },
];
const ROUNDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const lines = (words: number, tag: string) =>
  Array.from({ length: words }, (_, word) => `${tag}${word}${word % 12 === 11 ? '\n' : ''}`).join(' ');

export async function benchReasoning(): Promise<void> {
  const bench = await startBench({
    redis: false,
    overrides: { updateIntervalMs: 1000 },
    env: { RATE_LIMIT_USER_PER_MINUTE: '1000', RATE_LIMIT_TEAM_PER_MINUTE: '1000' },
  });
  const figures = new Map<string, { shown: string[][]; emulated: number[][] }>();
  const thinkingShownMs: number[] = [];
  try {
    for (const model of MODELS) {
      bench.bedrock.script(model.id, {
        reasoning: model.thoughtWords > 0 ? lines(model.thoughtWords, 't') : undefined,
        answer: lines(60, 'a'),
        firstTokenMs: 200,
        tokensPerSecond: 150,
        wordsPerChunk: 3,
      });
      figures.set(model.alias, { shown: [], emulated: [] });
    }
    for (let round = 0; round < ROUNDS; round++) {
      const channel = `CREASON${round}`;
      const callsBefore = bench.bedrock.calls.length;
      await bench.sender.command('/compare', `${MODELS.map((model) => model.alias).join(' ')} Think first`, {
        channelId: channel,
      });
      const final = await bench.slack.updateShowing(channel, 'Summary');
      const rows = tableRows(final.args.blocks);
      const calls = bench.bedrock.calls.slice(callsBefore);
      const thinkingShown = bench.slack
        .callsOf('chat.update')
        .find((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('thinking…'));
      for (const model of MODELS) {
        const entry = figures.get(model.alias)!;
        const row = rows.find((cells) => cells[0] === model.alias);
        if (row) entry.shown.push(row);
        const call = calls.find((each) => each.modelId === model.id);
        if (call?.firstTokenSentAt !== undefined && call.firstAnswerTokenSentAt !== undefined) {
          entry.emulated.push([
            call.firstTokenSentAt - call.receivedAt,
            call.firstAnswerTokenSentAt - call.receivedAt,
          ]);
        }
      }
      const firstThought = Math.min(
        ...calls
          .filter((call) => call.modelId !== 'amazon.nova-micro-v1:0')
          .map((call) => call.firstTokenSentAt ?? Infinity),
      );
      if (thinkingShown && Number.isFinite(firstThought))
        thinkingShownMs.push(thinkingShown.at - firstThought);
    }
  } finally {
    await bench.stop();
  }
  console.log(
    `\nA reasoning compare on the offline bench (the last of ${ROUNDS} runs as shown; emulator instants median of ${ROUNDS})\n`,
  );
  console.log(
    '| model | first token (shown / emulator) | first answer token (shown / emulator) | thinking | answer tokens | reasoning tokens | tokens/s | cost | reasoning cost |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [alias, entry] of figures) {
    const row = entry.shown.at(-1) ?? [];
    const first = median(entry.emulated.map((pair) => pair[0] ?? 0));
    const answer = median(entry.emulated.map((pair) => pair[1] ?? 0));
    const cell = (index: number) => (row[index] ?? '–').replace(/ ×[\d.]+$/, '');
    console.log(
      `| ${alias} | ${cell(1)} / ${(first / 1000).toFixed(2)} s | ${cell(2)} / ${(answer / 1000).toFixed(2)} s | ${cell(3)} | ${cell(6)} | ${cell(7)} | ${cell(8)} | ${cell(9)} | ${cell(10)} |`,
    );
  }
  console.log(
    `\n"thinking…" shown ${median(thinkingShownMs).toFixed(0)} ms (median) after the first reasoning token left the emulator (Slack updates at most once a second)`,
  );
}
