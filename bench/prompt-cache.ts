/**
 * What prompt caching saves in a thread, on the offline bench (real Bolt app, real AWS SDK, the
 * simulator's prompt cache): a 10-turn thread that opens with a ~2,600-token runbook, its input cost
 * as billed with the app's cache points (input + cache reads + cache writes, each at its price) beside
 * the same tokens billed without caching (all at the input price). Token counts come from each
 * reply's figures, as a person reads them; prices from the app's PriceBook (genai-prices).
 *
 * Measured 2026-12-07 (load average 12.7 on 2 cores; these are token and price figures, not timings,
 * so load does not move them): 29,371 input tokens over 10 turns, 23,440 read from the cache and 3,515
 * written. Claude 3.5 Haiku $0.0235 without caching → $0.0073 with (×3.21); Nova Micro $0.00103 →
 * $0.00041 (×2.49; Nova bills cache writes as plain input and reads at a quarter).
 */
import { PriceBook } from '../src/bedrock/pricing.js';
import { startBench } from '../test/support/harness.js';

const TURNS = 10;
const MODELS = [
  { alias: 'claude-3.5-haiku', id: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
  { alias: 'nova-micro', id: 'amazon.nova-micro-v1:0' },
];
const RUNBOOK = `Here is our on-call runbook. ${'When the queue backs up, check the consumer lag, restart the stuck worker and page the owner if it does not drain within ten minutes. '.repeat(70)}`;

interface Turn {
  input: number;
  read: number;
  write: number;
}

function figuresOf(text: string): Turn {
  const match = text.match(
    /(\d+) in(?: \(\+ (?:(\d+) from cache)?(?:, )?(?:(\d+) to cache)?\))? \/ \d+ out tokens/,
  );
  return { input: Number(match?.[1] ?? 0), read: Number(match?.[2] ?? 0), write: Number(match?.[3] ?? 0) };
}

async function thread(alias: string, id: string): Promise<Turn[]> {
  const bench = await startBench({
    redis: false,
    env: { RATE_LIMIT_USER_PER_MINUTE: '1000', CHAT_DEFAULT_MODEL: alias, DAILY_SPEND_CAP_USD: '0' },
  });
  bench.bedrock.script(id, { answer: Array.from({ length: 120 }, (_, word) => `w${word}`).join(' ') });
  const channel = 'CBENCHCACHE';
  const root = '1900000100.000100';
  const turns: Turn[] = [];
  try {
    for (let turn = 1; turn <= TURNS; turn++) {
      const ts = turn === 1 ? root : `${1_900_000_100 + turn}.000100`;
      const answers = () =>
        bench.slack.calls.filter(
          (call) =>
            call.args.channel === channel &&
            (call.args.metadata as { event_type?: string } | undefined)?.event_type ===
              'bedrock_slack_answer',
        );
      const before = answers().length;
      await bench.sender.event({
        type: 'app_mention',
        user: 'UBENCH',
        text: `<@UBOT> ${turn === 1 ? RUNBOOK : `question ${turn}: what is step ${turn}?`}`,
        ts,
        channel,
        ...(turn === 1 ? {} : { thread_ts: root }),
      });
      await bench.slack.waitFor(() => answers().length > before, 30_000);
      turns.push(figuresOf(JSON.stringify(answers().at(-1)?.args.blocks)));
    }
  } finally {
    await bench.stop();
  }
  return turns;
}

export async function benchPromptCache(): Promise<void> {
  const prices = new PriceBook();
  const rows: string[] = [];
  for (const { alias, id } of MODELS) {
    const turns = await thread(alias, id);
    const sum = (pick: (turn: Turn) => number) => turns.reduce((total, turn) => total + pick(turn), 0);
    const cached = sum(
      (turn) => prices.cost([id], turn.input, 0, { readTokens: turn.read, writeTokens: turn.write }) ?? 0,
    );
    const uncached = sum((turn) => prices.cost([id], turn.input + turn.read + turn.write, 0) ?? 0);
    const tokens = sum((turn) => turn.input + turn.read + turn.write);
    rows.push(
      `| ${alias} | ${tokens} (${sum((turn) => turn.read)} read, ${sum((turn) => turn.write)} written) | $${uncached.toFixed(6)} | $${cached.toFixed(6)} | ×${(uncached / cached).toFixed(2)} |`,
    );
  }
  console.log(`\nPrompt caching in a ${TURNS}-turn thread (opens with a ~2,600-token runbook)\n`);
  console.log(
    '| model | input tokens over 10 turns (from cache) | input cost without caching | with caching | saving |',
  );
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}
