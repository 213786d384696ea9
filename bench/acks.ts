/**
 * Ack figures on the offline bench: N `/compare` commands sent at once, each on a new connection, to
 * the app in a child process of its own (HTTP mode, Redis), as many people running a compare in the
 * same second would. Per level: the ack's p50 / p99 / max, and where each request's time went, from
 * the client's side and from Node's own probes of the app's HTTP server:
 *  - connect: the TCP handshake (the kernel answers it; slow only when the listen queue overflows);
 *  - queued: connected, waiting for the app's event loop to accept the connection;
 *  - reading: accepted, until its request line and headers were parsed;
 *  - handling: parsed, until the ack was written (the request gate, Bolt, the listener up to `ack()`);
 * and the app's event-loop delay and CPU time over the burst. Node accepts one connection per turn of
 * its event loop (src/ops/acks-first.ts), so "queued" grows with whatever else each turn does. Each
 * level's compares finish (200-token answers) before the next starts; each level runs ACK_ROUNDS
 * times (3), the rounds pooled.
 *
 * BENCH_TREES=before=/path/to/old/tree,after=. measures several trees level by level, side by side.
 */
import {
  ALIASES,
  ackMs,
  Child,
  compareSender,
  load,
  quantile,
  type RequestTiming,
  startStandIns,
  treesToBench,
  Watcher,
} from './load.js';
import type { Served } from './load-process.js';

const ANSWER_TOKENS = 200;
/** How long a level's compares may take to finish before the next level starts regardless. */
const FINISH_DEADLINE_MS = 60_000;

interface AckFigures {
  ack: number[];
  connect: number[];
  queued: number[];
  reading: number[];
  handling: number[];
  /** Requests the app's probes did not see whole (none expected). */
  unmatched: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** The app's CPU time from the first command sent to the last ack received, per command. */
  cpuMsPerCommand: number;
}

const ms = (value: number) => `${value.toFixed(0)}`;
const spread = (values: number[]) =>
  `${ms(quantile(values, 0.5))} / ${ms(quantile(values, 0.99))} / ${ms(Math.max(...values))} ms`;

async function ackLevel(
  app: Child,
  url: string,
  count: number,
  send: ReturnType<typeof compareSender>,
  watcher: Watcher,
  tag: string,
): Promise<AckFigures> {
  const channels = Array.from({ length: count }, (_, index) => `CACK-${tag}-${index}`.toUpperCase());
  let timings: RequestTiming[] = [];
  const loop = await app.measure(async () => {
    timings = await Promise.all(
      channels.map((channel, index) =>
        send(`${ALIASES} Ack prompt ${channel}`, {
          userId: `U${index}`,
          channelId: channel,
          responseId: channel,
        }),
      ),
    );
  });
  const answer = await app.ask({ type: 'served' });
  if (answer.type !== 'served') throw new Error(`the app at ${url} answered out of turn`);
  const served = new Map<number, Served>(answer.requests.map((request) => [request.port, request]));
  const figures: AckFigures = {
    ack: timings.map(ackMs),
    connect: [],
    queued: [],
    reading: [],
    handling: [],
    unmatched: 0,
    loopDelayP99Ms: loop.loopDelayP99Ms,
    loopDelayMaxMs: loop.loopDelayMaxMs,
    cpuMsPerCommand: loop.cpuMs / count,
  };
  for (const timing of timings) {
    figures.connect.push(timing.connectedAt - timing.sentAt);
    const seen = served.get(timing.port);
    if (!seen) {
      figures.unmatched++;
      continue;
    }
    figures.queued.push(seen.acceptedAt - timing.connectedAt);
    figures.reading.push(seen.requestAt - seen.acceptedAt);
    figures.handling.push(seen.answeredAt - seen.requestAt);
  }
  // The compares run to their end before the next level, so each level starts on an idle app.
  const deadline = performance.now() + FINISH_DEADLINE_MS;
  while (performance.now() < deadline) {
    watcher.scan();
    if (channels.every((channel) => watcher.finals.has(channel))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return figures;
}

/** One table row: a level's rounds pooled, and each round's ack p99 to show their spread. */
function row(count: number, rounds: AckFigures[]): string {
  const all = (pick: (figures: AckFigures) => number[]) => rounds.flatMap(pick);
  const p99 = (pick: (figures: AckFigures) => number[]) => `${ms(quantile(all(pick), 0.99))} ms`;
  const each = rounds.map((figures) => ms(quantile(figures.ack, 0.99))).join(', ');
  const loopP99 = Math.max(...rounds.map((figures) => figures.loopDelayP99Ms));
  const loopMax = Math.max(...rounds.map((figures) => figures.loopDelayMaxMs));
  const connect = all((figures) => figures.connect);
  const unseen = rounds.reduce((sum, figures) => sum + figures.unmatched, 0);
  const cpu = rounds.reduce((sum, figures) => sum + figures.cpuMsPerCommand, 0) / rounds.length;
  return `| ${count} × ${rounds.length} | ${spread(all((figures) => figures.ack))} | ${each} ms | ${ms(quantile(connect, 0.99))} / ${ms(Math.max(...connect))} ms | ${p99((figures) => figures.queued)} | ${p99((figures) => figures.reading)} | ${p99((figures) => figures.handling)} | ${ms(loopP99)} / ${ms(loopMax)} ms | ${cpu.toFixed(2)} ms | ${unseen} | ${load()} |`;
}

export async function benchAcks(levels = [50, 100, 200], rounds = 3): Promise<void> {
  const { slack, env, stop } = await startStandIns(ANSWER_TOKENS);
  const watcher = new Watcher(slack.calls);
  const trees: { name: string; app: Child; url: string; send: ReturnType<typeof compareSender> }[] = [];
  const rows = new Map<string, string[]>();
  try {
    for (const spec of treesToBench()) {
      const [app, ready] = await Child.start('app', { ...env, APP_ROOT: spec.root });
      if (ready.type !== 'ready' || ready.port === undefined) throw new Error('the app did not start');
      const url = `http://127.0.0.1:${ready.port}`;
      const tree = { name: spec.name, app, url, send: compareSender(url, slack) };
      trees.push(tree);
      rows.set(spec.name, []);
      // The first compares load the catalog and warm the JIT: not part of any level.
      await ackLevel(app, url, 4, tree.send, watcher, `${spec.name}-warm`);
    }
    for (const count of levels) {
      const pooled = new Map(trees.map((tree) => [tree.name, [] as AckFigures[]]));
      // Rounds alternate the trees, so a neighbour's load weighs on each alike.
      for (let round = 0; round < rounds; round++) {
        for (const tree of trees) {
          const figures = await ackLevel(
            tree.app,
            tree.url,
            count,
            tree.send,
            watcher,
            `${tree.name}-${count}-${round}`,
          );
          pooled.get(tree.name)?.push(figures);
          console.error(
            `${tree.name}: ${count} commands, ack p99 ${ms(quantile(figures.ack, 0.99))} ms (${load()})`,
          );
        }
      }
      for (const tree of trees) rows.get(tree.name)?.push(row(count, pooled.get(tree.name) ?? []));
    }
  } finally {
    await Promise.all(trees.map((tree) => tree.app.stop()));
    await stop();
  }
  console.log(
    '\n/compare commands sent at once, each on a new connection (HTTP mode, Redis, the app in its own process)\n',
  );
  for (const tree of trees) {
    if (trees.length > 1) console.log(`\n${tree.name}\n`);
    console.log(
      '| commands × rounds | ack p50 / p99 / max | ack p99 of each round | connect p99 / max | queued for accept p99 | reading p99 | handling until ack p99 | event-loop delay p99 / max (worst round) | app CPU per command until acked | unseen | load average |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const row of rows.get(tree.name) ?? []) console.log(row);
  }
}
