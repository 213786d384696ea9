/**
 * Thread conversation figures on the offline bench (real Bolt app, real AWS SDK, real redis-server):
 *  - first-token delay: from the emulator sending a reply's first token to the first Slack call
 *    showing it;
 *  - Redis commands per turn, read from the server's own counter (commands inside Lua scripts count
 *    one each), and round trips per turn: the app's writes to Redis, counted by a loopback proxy,
 *    where pipelined commands share one write. For a thread's 1st, 2nd and 10th turn.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { startBench } from '../test/support/harness.js';
import { RedisServer } from '../test/support/redis-server.js';

const TURNS = 10;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function commandsProcessed(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(info.match(/total_commands_processed:(\d+)/)?.[1] ?? 0);
}

/** A TCP proxy in front of Redis that counts the writes clients send through it. */
async function countingProxy(target: URL): Promise<{ url: string; writes: () => number; close: () => void }> {
  let writes = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.on('data', () => {
      writes += 1;
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    writes: () => writes,
    close: () => server.close(),
  };
}

export async function benchChat(): Promise<void> {
  const redis = new RedisServer();
  await redis.start();
  const proxy = await countingProxy(new URL(redis.url));
  const bench = await startBench({
    redis: false,
    overrides: { updateIntervalMs: 1000 },
    env: { RATE_LIMIT_USER_PER_MINUTE: '1000', CHAT_DEFAULT_MODEL: 'nova-micro', REDIS_URL: proxy.url },
  });
  const counter = new Redis(redis.url);
  bench.slack.users.set('UBENCH', 'Bench');
  bench.bedrock.script('amazon.nova-micro-v1:0', {
    answer: Array.from({ length: 40 }, (_, word) => `w${word}`).join(' '),
    firstTokenMs: 200,
    tokensPerSecond: 100,
    wordsPerChunk: 2,
  });
  const channel = 'CBENCHCHAT';
  const root = '1900000000.000100';
  const delays: number[] = [];
  const commands: number[] = [];
  const roundTrips: number[] = [];
  try {
    for (let turn = 1; turn <= TURNS; turn++) {
      const ts = turn === 1 ? root : `${1_900_000_000 + turn}.000100`;
      const answered = () =>
        bench.slack.calls.filter(
          (call) =>
            call.args.channel === channel &&
            (call.args.metadata as { event_type?: string } | undefined)?.event_type ===
              'bedrock_slack_answer',
        ).length;
      const before = answered();
      const callsBefore = bench.bedrock.calls.length;
      // The INFO call itself counts as one command; it is taken off below.
      const commandsBefore = await commandsProcessed(counter);
      const writesBefore = proxy.writes();
      await bench.sender.event({
        type: 'app_mention',
        user: 'UBENCH',
        text: `<@UBOT> question ${turn}`,
        ts,
        channel,
        ...(turn === 1 ? {} : { thread_ts: root }),
      });
      await bench.slack.waitFor(() => answered() > before, 30_000);
      // The work after the answer (lock release, spend) finishes a moment later.
      await new Promise((resolve) => setTimeout(resolve, 100));
      roundTrips.push(proxy.writes() - writesBefore);
      commands.push((await commandsProcessed(counter)) - commandsBefore - 1);
      const call = bench.bedrock.calls[callsBefore];
      const shown = bench.slack
        .callsOf('chat.update')
        .find(
          (update) =>
            update.args.channel === channel &&
            update.at > (call?.receivedAt ?? 0) &&
            JSON.stringify(update.args.blocks).includes('w0'),
        );
      if (call?.firstTokenSentAt !== undefined && shown) delays.push(shown.at - call.firstTokenSentAt);
    }
  } finally {
    counter.disconnect();
    await bench.stop();
    proxy.close();
    await redis.stop();
  }
  console.log(`\nThread conversation on the offline bench, ${TURNS} turns in one thread\n`);
  console.log('| figure | value |');
  console.log('|---|---|');
  console.log(`| first token → first Slack update (median) | ${median(delays).toFixed(1)} ms |`);
  const per = (values: number[]) => `${values[0]} / ${values[1]} / ${values[TURNS - 1]}`;
  console.log(`| Redis round trips, turn 1 / 2 / ${TURNS} | ${per(roundTrips)} |`);
  console.log(`| Redis commands, turn 1 / 2 / ${TURNS} | ${per(commands)} |`);
}
