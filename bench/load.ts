/**
 * Load figures on the offline bench: many 4-model compares at once, 800-token Markdown answers,
 * HTTP mode, Redis. The app runs in a child process of its own (bench/load-process.ts), so its CPU
 * time and event loop are measured apart from the Slack and Bedrock stand-ins in this process.
 * Per load level:
 *  - wall / slowest: from the slash command to the final update, over the slowest model's own
 *    time in the simulator (median and worst compare), and where the rest goes: from the command to
 *    its first Bedrock call, and from its last model's end to the final update (which Slack's pace of
 *    one update a second per message may hold back up to a second);
 *  - the longest gap between two updates of one message while it streams;
 *  - the app's event-loop delay (p99 / max);
 *  - the ack p99 of the level's commands, all sent at once, each on a new connection, and of a
 *    probe (`/compare help`) sent every 250 ms on a new connection while the level runs;
 *  - the app's CPU time per streamed token, and at one level its ratio to a bare AWS SDK loop over
 *    the same streams (the floor: read every event, keep the text), once on the SDK's defaults and
 *    once on the runtime client as the app builds it (what is left is the app's own work).
 * The knee is the first level where wall / slowest passes 1.1 or the probe's ack p99 300 ms.
 *
 * BENCH_TREES=before=/path/to/old/tree,after=. runs the same levels against several trees side by
 * side (level by level, one after the other), for before/after figures in one run.
 * BENCH_NODE_FLAGS="--max-semi-space-size=64 …" starts every child with those Node flags.
 * On this 2-core machine the CPU per token of one tree swings ±20% from one run to the next (the bare
 * loops swing with it, so the ratios are steadier): compare trees side by side, over several runs.
 */
import { type ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { loadavg } from 'node:os';
import { BedrockSimulator } from '../src/playground/bedrock-simulator.js';
import { LocalSlack, type RecordedCall } from '../src/playground/local-slack.js';
import { SlackSender } from '../src/playground/slack-requests.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../test/support/harness.js';
import { RedisServer } from '../test/support/redis-server.js';
import type { BareClient, FromChild, Measured, ToChild } from './load-process.js';

const MODELS = [
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'meta.llama3-70b-instruct-v1:0',
  'mistral.mistral-large-2402-v1:0',
];
export const ALIASES = 'nova-micro nova-lite llama3-70b mistral-large';
const ANSWER_TOKENS = 800;
const LEVEL_DEADLINE_MS = 120_000;
/** The level where the app's CPU per token is compared with the bare SDK loop's. */
const RATIO_LEVEL = 50;
/**
 * Compares run before any level is measured, in the app and in each bare loop alike, so both are
 * measured as a process in operation is: V8 optimizes a function only once it has run hot for a
 * while, and a compare's per-update code (rendering, the Web API call) runs about once a second per
 * compare. After 4 compares the app was still compiling during the level of 50, about 2 s of
 * TurboFan work on V8's helper threads (--trace-opt), a quarter of its CPU: a cost a server pays
 * once, not for each token.
 */
const WARM_COMPARES = RATIO_LEVEL;

/** An answer of `tokens` words shaped like a model's: headings, lists, bold, inline and fenced code. */
function markdownAnswer(seed: number, tokens: number): string {
  const sentence = (index: number) =>
    `The **service** number ${index} uses \`call_${seed}()\` and ${Array.from({ length: 6 }, (_, word) => `word${word}`).join(' ')}.`;
  const blocks: string[] = [];
  for (let part = 0; blocks.join(' ').split(/\s+/).length < tokens; part++) {
    const sentences = Array.from({ length: 4 }, (_, index) => sentence(index));
    blocks.push(`## Part ${seed}.${part}`, sentences.join(' '));
    blocks.push(sentences.map((line) => `- ${line}`).join('\n'));
    blocks.push(sentences.map((line, index) => `${index + 1}. ${line}`).join('\n'));
    blocks.push('```ts\nconst answer = await client.send(command);\n\nconsole.log(answer);\n```');
  }
  return blocks
    .join('\n\n')
    .split(/(?<=\s)/)
    .slice(0, tokens)
    .join('');
}

export const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
};

/** A child process speaking the load-process protocol. */
export class Child {
  private readonly waiting: ((message: FromChild) => void)[] = [];
  private constructor(readonly process: ChildProcess) {
    process.on('message', (message: FromChild) => this.waiting.shift()?.(message));
    process.on('exit', (code) => {
      if (!code) return;
      console.error(`a bench process failed (exit code ${code})`);
      globalThis.process.exit(1);
    });
  }

  static async start(
    role: 'app' | 'sdk',
    env: Record<string, string | undefined>,
  ): Promise<[Child, FromChild]> {
    const child = new Child(
      fork(new URL('./load-process.ts', import.meta.url).pathname, [role], {
        // BENCH_CPU_PROF=<dir> writes a CPU profile of each child there.
        execArgv: [
          '--import',
          'tsx',
          ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
          ...(process.env.BENCH_CPU_PROF
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
            : []),
        ],
        env: { ...process.env, ...env },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    return [child, await child.next()];
  }

  next(): Promise<FromChild> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async ask(message: ToChild): Promise<FromChild> {
    const answer = this.next();
    this.process.send(message);
    return answer;
  }

  async measure(work: () => Promise<unknown>): Promise<Measured> {
    this.process.send({ type: 'start' } satisfies ToChild);
    await work();
    const measured = await this.ask({ type: 'stop' });
    if (measured.type !== 'measured') throw new Error('the child answered out of turn');
    return measured;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.send({ type: 'exit' } satisfies ToChild);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    this.process.kill('SIGKILL');
  }
}

/** When one request on a connection of its own went out, connected and was answered (wall-clock ms). */
export interface RequestTiming {
  sentAt: number;
  connectedAt: number;
  answeredAt: number;
  /** The client's port: the app sees the connection under it. */
  port: number;
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
const wallClock = () => performance.timeOrigin + performance.now();

/** POSTs on a connection of its own (no keep-alive pool), resolving to when it connected and was answered. */
function postOnNewConnection(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<RequestTiming> {
  const sentAt = wallClock();
  let connectedAt = Number.NaN;
  let port = 0;
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent: false, headers, timeout: 30_000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ sentAt, connectedAt, answeredAt: wallClock(), port }));
      },
    );
    request.on('socket', (socket) =>
      socket.once('connect', () => {
        connectedAt = wallClock();
        port = socket.localPort ?? 0;
      }),
    );
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('no answer within 30 s')));
    request.end(body);
  });
}

export const ackMs = (timing: RequestTiming) => timing.answeredAt - timing.sentAt;

/** Sends signed `/compare` commands to the app at `url`, each on a new connection, as Slack does. */
export function compareSender(url: string, slack: LocalSlack) {
  const sender = new SlackSender(url, SIGNING_SECRET, (id) => slack.responseUrl(id));
  return (text: string, who: Parameters<SlackSender['commandBody']>[2]) => {
    const body = sender.commandBody('/compare', text, who);
    const timestamp = Math.floor(Date.now() / 1000);
    return postOnNewConnection(`${url}/slack/events`, body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sender.sign(body, timestamp),
    });
  };
}

/** The app under test: one tree of the code, run as one or more replicas. */
interface Tree {
  name: string;
  /** The tree's checkout, or undefined for this one. */
  root?: string;
  apps: Child[];
  /** The app, or the round-robin proxy in front of its replicas. */
  url: string;
}

/** What every replica measured, together: CPU summed, event-loop delays at their worst. */
async function measureAll(apps: Child[], work: () => Promise<unknown>): Promise<Measured> {
  let release: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  const measuring = apps.map((app, index) =>
    app.measure(async () => (index === 0 ? await work().finally(release) : await done)),
  );
  const measured = await Promise.all(measuring);
  return {
    cpuMs: measured.reduce((sum, one) => sum + one.cpuMs, 0),
    mainThreadCpuMs: measured.reduce((sum, one) => sum + one.mainThreadCpuMs, 0),
    loopDelayP99Ms: Math.max(...measured.map((one) => one.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(...measured.map((one) => one.loopDelayMaxMs)),
  };
}

/** A TCP proxy on loopback handing each new connection to the next replica in turn, as a load balancer does. */
async function roundRobin(ports: number[]): Promise<{ url: string; close: () => void }> {
  let next = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(ports[next++ % ports.length] as number, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 1024, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => server.close(),
  };
}

interface LevelFigures {
  wallMedian: number;
  wallWorst: number;
  /** Where the wall time beyond the slowest model goes (medians): before the first Bedrock call, after the last model ended. */
  toFirstCallMs: number;
  lastModelToFinalMs: number;
  longestGapMs: number;
  loop: Measured;
  commandAckP99: number;
  probeAckP99: number;
  cpuUsPerToken: number;
  /** Of that CPU, the share on the app's main thread (its event loop). */
  mainThreadShare: number;
  unfinished: number;
  /** Compares finished per minute: the level over the time from the first command to the last final update. */
  perMinute: number;
  /** Compare messages posted more than once. */
  duplicates: number;
}

/** Follows Slack's recorded calls incrementally: the updates of each channel and its final one. */
export class Watcher {
  private seen = 0;
  readonly updates = new Map<string, number[]>();
  readonly finals = new Map<string, number>();
  constructor(private readonly calls: RecordedCall[]) {}
  scan(): void {
    for (; this.seen < this.calls.length; this.seen++) {
      const call = this.calls[this.seen] as RecordedCall;
      if (call.method !== 'chat.update') continue;
      const channel = String(call.args.channel);
      const list = this.updates.get(channel) ?? [];
      list.push(call.at);
      this.updates.set(channel, list);
      if (!this.finals.has(channel) && JSON.stringify(call.args.blocks).includes('*Summary*'))
        this.finals.set(channel, call.at);
    }
  }
}

async function runLevel(
  tree: Tree,
  count: number,
  slack: LocalSlack,
  bedrock: BedrockSimulator,
  watcher: Watcher,
  /** Names the run's channels, which no other run shares. */
  label: string,
): Promise<LevelFigures> {
  const send = compareSender(tree.url, slack);
  const tag = `${tree.name}-${label}`;
  const channels = Array.from({ length: count }, (_, index) => `C${tag}-${index}`.toUpperCase());
  const callsBefore = bedrock.calls.length;
  const sent = new Map<string, number>();
  const probes: number[] = [];
  let commandAcks: number[] = [];
  let probing = true;
  const probe = (async () => {
    for (let index = 0; probing; index++) {
      probes.push(
        ackMs(
          await send('help', { userId: 'UPROBE', channelId: 'CPROBE', responseId: `probe-${tag}-${index}` }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const loop = await measureAll(tree.apps, async () => {
    const timings = await Promise.all(
      channels.map((channel, index) => {
        sent.set(channel, performance.now());
        return send(`${ALIASES} Load prompt ${channel}`, {
          userId: `U${index}`,
          channelId: channel,
          responseId: `${channel}`,
        });
      }),
    );
    commandAcks = timings.map(ackMs);
    const deadline = performance.now() + LEVEL_DEADLINE_MS;
    while (performance.now() < deadline) {
      watcher.scan();
      if (channels.every((channel) => watcher.finals.has(channel))) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  probing = false;
  await probe;
  const calls = bedrock.calls.slice(callsBefore);
  const walls: number[] = [];
  const toFirstCall: number[] = [];
  const lastModelToFinal: number[] = [];
  let longestGapMs = 0;
  for (const channel of channels) {
    const final = watcher.finals.get(channel);
    const own = calls.filter((call) => JSON.stringify(call.body.messages).includes(`${channel}"`));
    const slowest = Math.max(...own.map((call) => (call.finishedAt ?? Number.NaN) - call.receivedAt));
    if (final !== undefined) {
      walls.push((final - (sent.get(channel) ?? 0)) / slowest);
      toFirstCall.push(Math.min(...own.map((call) => call.receivedAt)) - (sent.get(channel) ?? 0));
      lastModelToFinal.push(final - Math.max(...own.map((call) => call.finishedAt ?? Number.NaN)));
    }
    const updates = (watcher.updates.get(channel) ?? []).filter((at) => final === undefined || at <= final);
    for (let index = 1; index < updates.length; index++)
      longestGapMs = Math.max(longestGapMs, (updates[index] as number) - (updates[index - 1] as number));
  }
  const finished = channels.map((channel) => watcher.finals.get(channel) ?? Number.NaN);
  const posted = slack
    .callsOf('chat.postMessage')
    .filter((call) => channels.includes(String(call.args.channel)));
  return {
    perMinute: (count * 60_000) / (Math.max(...finished) - Math.min(...sent.values())),
    duplicates: posted.length - new Set(posted.map((call) => String(call.args.channel))).size,
    wallMedian: quantile(walls, 0.5),
    wallWorst: Math.max(...walls),
    toFirstCallMs: quantile(toFirstCall, 0.5),
    lastModelToFinalMs: quantile(lastModelToFinal, 0.5),
    longestGapMs,
    loop,
    commandAckP99: quantile(commandAcks, 0.99),
    probeAckP99: quantile(probes, 0.99),
    cpuUsPerToken: (loop.cpuMs * 1000) / (count * MODELS.length * ANSWER_TOKENS),
    mainThreadShare: loop.mainThreadCpuMs / loop.cpuMs,
    unfinished: channels.filter((channel) => !watcher.finals.has(channel)).length,
  };
}

export const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** The trees BENCH_TREES names (`name=path,…`; `.` is this one), one replica each. */
export const treesToBench = () =>
  (process.env.BENCH_TREES ?? 'app=.').split(',').map((entry) => {
    const [name, root] = entry.split('=');
    return { name: name ?? 'app', root: root === '.' || !root ? undefined : root, replicas: 1 };
  });

/**
 * Slack, Bedrock (the four models of a compare, `answerTokens`-token Markdown answers) and Redis on
 * loopback, and the app's environment for them.
 */
export async function startStandIns(answerTokens: number) {
  const redis = new RedisServer();
  const slack = new LocalSlack();
  slack.botToken = BOT_TOKEN;
  const bedrock = new BedrockSimulator();
  await Promise.all([redis.start(), slack.start(), bedrock.start()]);
  MODELS.forEach((id, index) => {
    bedrock.script(id, {
      answer: markdownAnswer(index, answerTokens),
      firstTokenMs: 300 + 150 * index,
      tokensPerSecond: 100,
      wordsPerChunk: 3,
    });
  });
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    REDIS_URL: redis.url,
    LOG_LEVEL: 'error',
    RATE_LIMIT_USER_PER_MINUTE: '10000',
    RATE_LIMIT_TEAM_PER_MINUTE: '10000',
    DAILY_SPEND_CAP_USD: '0',
    // The compares stand for many workspaces and channels: Slack's per-workspace limits (measured
    // by bench/slack-limits.ts) are lifted here, in the app and in the local Slack alike.
    SLACK_UPDATES_PER_MINUTE: '100000',
    SLACK_POSTS_PER_CHANNEL_PER_MINUTE: '100000',
    SLACK_STREAMS_PER_MINUTE: '100000',
    SLACK_STREAM_APPENDS_PER_MINUTE: '100000',
    ...bedrock.env(),
  };
  slack.rateLimits = {
    updatesPerMinute: 100_000,
    postsPerChannelPerMinute: 100_000,
    streamsPerMinute: 100_000,
    streamAppendsPerMinute: 100_000,
  };
  return {
    slack,
    bedrock,
    env,
    stop: () => Promise.all([slack.stop(), bedrock.stop(), redis.stop()]),
  };
}

/** CPU per streamed token of a bare SDK loop over `count` compares' streams, warmed as the app was. */
async function bareLoopCpuPerToken(
  env: Record<string, string | undefined>,
  count: number,
  client: BareClient,
): Promise<{ perToken: number; mainThreadShare: number }> {
  const [sdk] = await Child.start('sdk', env);
  await sdk.ask({ type: 'streams', modelIds: MODELS, prompt: 'Warm loop', count: WARM_COMPARES, client });
  let tokens = 0;
  const bare = await sdk.measure(async () => {
    const answer = await sdk.ask({ type: 'streams', modelIds: MODELS, prompt: 'Bare loop', count, client });
    if (answer.type === 'streamed') tokens = answer.tokens;
  });
  await sdk.stop();
  return { perToken: (bare.cpuMs * 1000) / tokens, mainThreadShare: bare.mainThreadCpuMs / bare.cpuMs };
}

/** One replica, then three behind a round-robin proxy, on one Redis: does throughput grow with replicas? */
export const benchReplicas = (levels?: number[]) =>
  benchLoad(levels, [
    { name: '1 replica', replicas: 1 },
    { name: '3 replicas', replicas: 3 },
  ]);

export async function benchLoad(
  levels = [25, 50, 100, 150, 200],
  specs: { name: string; root?: string; replicas: number }[] = treesToBench(),
): Promise<void> {
  const { slack, bedrock, env, stop } = await startStandIns(ANSWER_TOKENS);
  const trees: Tree[] = [];
  const rows = new Map<string, string[]>();
  const ratios: string[] = [];
  const knees = new Map<string, number>();
  /** Per tree, the highest level within the rule and its compares finished per minute: its throughput. */
  const within = new Map<string, { count: number; perMinute: number }>();
  const watcher = new Watcher(slack.calls);
  const proxies: { close: () => void }[] = [];
  try {
    for (const spec of specs) {
      const apps: Child[] = [];
      const ports: number[] = [];
      for (let replica = 0; replica < spec.replicas; replica++) {
        const [app, ready] = await Child.start('app', { ...env, APP_ROOT: spec.root });
        if (ready.type !== 'ready' || ready.port === undefined) throw new Error('the app did not start');
        apps.push(app);
        ports.push(ready.port);
      }
      const proxy = spec.replicas > 1 ? await roundRobin(ports) : undefined;
      if (proxy) proxies.push(proxy);
      const tree = {
        name: spec.name,
        root: spec.root,
        apps,
        url: proxy?.url ?? `http://127.0.0.1:${ports[0]}`,
      };
      // The first compares load the catalog and warm the JIT: not part of any level.
      await runLevel(tree, WARM_COMPARES, slack, bedrock, watcher, 'warm');
      trees.push(tree);
      rows.set(spec.name, []);
    }
    for (const [index, count] of levels.entries()) {
      for (const tree of trees) {
        // A level may be repeated (LOAD_LEVELS=50,50): each run has channels of its own.
        const figures = await runLevel(tree, count, slack, bedrock, watcher, `${count}-${index}`);
        const kneed = figures.wallMedian > 1.1 || figures.probeAckP99 > 300 || figures.unfinished > 0;
        if (kneed && !knees.has(tree.name)) knees.set(tree.name, count);
        if (!knees.has(tree.name)) within.set(tree.name, { count, perMinute: figures.perMinute });
        const row = `| ${count} | ${figures.wallMedian.toFixed(3)} / ${figures.wallWorst.toFixed(3)} | ${figures.toFirstCallMs.toFixed(0)} / ${figures.lastModelToFinalMs.toFixed(0)} ms | ${(figures.longestGapMs / 1000).toFixed(2)} s | ${figures.loop.loopDelayP99Ms.toFixed(0)} / ${figures.loop.loopDelayMaxMs.toFixed(0)} ms | ${figures.commandAckP99.toFixed(0)} ms | ${figures.probeAckP99.toFixed(0)} ms | ${figures.cpuUsPerToken.toFixed(1)} µs | ${figures.perMinute.toFixed(0)} | ${figures.unfinished} / ${figures.duplicates} | ${load()} |`;
        rows.get(tree.name)?.push(row);
        // Progress while the levels run (a level of 200 compares takes minutes on a busy machine).
        console.error(`${tree.name}: ${row}`);
        if (count === RATIO_LEVEL && tree.apps.length === 1) {
          const [defaults, asApp] = [
            await bareLoopCpuPerToken(env, count, 'sdk defaults'),
            await bareLoopCpuPerToken({ ...env, APP_ROOT: tree.root }, count, 'as the app builds it'),
          ];
          const share = (part: number) => `${(100 * part).toFixed(0)}%`;
          const ratio = (bare: { perToken: number; mainThreadShare: number }) =>
            `${bare.perToken.toFixed(1)} µs (${share(bare.mainThreadShare)}) | ${(figures.cpuUsPerToken / bare.perToken).toFixed(2)}×`;
          ratios.push(
            `| ${tree.name} | ${count} | ${figures.cpuUsPerToken.toFixed(1)} µs (${share(figures.mainThreadShare)}) | ${ratio(defaults)} | ${ratio(asApp)} | ${load()} |`,
          );
        }
      }
    }
  } finally {
    await Promise.all(trees.flatMap((tree) => tree.apps.map((app) => app.stop())));
    for (const proxy of proxies) proxy.close();
    await stop();
  }
  console.log(
    `\nConcurrent 4-model compares, ${ANSWER_TOKENS}-token Markdown answers (HTTP mode, Redis, the app in its own process)\n`,
  );
  for (const tree of trees) {
    if (trees.length > 1) console.log(`\n${tree.name}\n`);
    console.log(
      '| compares | wall / slowest (median / worst) | command → first Bedrock call / last model → final update (medians) | longest gap between updates | event-loop delay p99 / max | command ack p99 (new connections) | probe ack p99 | app CPU per token | compares finished per minute | unfinished / posted twice | load average |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const row of rows.get(tree.name) ?? []) console.log(row);
    const knee = knees.get(tree.name);
    console.log(
      knee === undefined
        ? `\nknee: none up to ${levels.at(-1)} compares`
        : `\nknee: ${knee} compares (wall / slowest > 1.1, probe ack p99 > 300 ms or a compare unfinished)`,
    );
    const best = within.get(tree.name);
    console.log(
      best
        ? `throughput within the rule: ${best.perMinute.toFixed(0)} compares finished a minute (${best.count} at once)`
        : 'throughput within the rule: none (the first level already passed the knee)',
    );
  }
  console.log(
    "\nApp CPU per streamed token over a bare AWS SDK loop on the same streams (in brackets: the share on the main thread; the rest is garbage collection and compilation on V8's helper threads)\n",
  );
  console.log(
    '| tree | compares | app | bare loop, SDK defaults | ratio | bare loop, runtime client as the app builds it | ratio | load average |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of ratios) console.log(row);
}
