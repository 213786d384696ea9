/**
 * A child process of the load bench (bench/load.ts), so its CPU time is its own: either the app
 * (`app`, from APP_ROOT so an older tree can be measured with the same bench) or a bare AWS SDK
 * loop over the same streams (`sdk`), the floor the app's CPU per token is compared with: on the
 * SDK's defaults, or on the runtime client as the app builds it (its transport and stream reader),
 * which leaves the app's own work as the difference.
 * It answers the parent's messages: `start` (reset the counters), `stop` (report them), `served`
 * (when the app accepted, read and answered each request since `start`), `streams`.
 */
import diagnostics from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';

export type ToChild =
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'exit' }
  | { type: 'served' }
  | { type: 'streams'; modelIds: string[]; prompt: string; count: number; client: BareClient };

/** The SDK's default runtime client, or the one the app builds (src/bedrock/clients.ts). */
export type BareClient = 'sdk defaults' | 'as the app builds it';

export interface Measured {
  cpuMs: number;
  /** Of `cpuMs`, the main thread's: the rest is V8's helpers (garbage collection, compilation) and libuv's. */
  mainThreadCpuMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

/** One request as the app's HTTP server saw it, in wall-clock ms (comparable with the parent's). */
export interface Served {
  /** The client's port, which names its connection. */
  port: number;
  /** The server took the connection off the listen queue. */
  acceptedAt: number;
  /** Its request line and headers were parsed. */
  requestAt: number;
  /** Its answer was handed to the operating system in full. */
  answeredAt: number;
}

export type FromChild =
  | { type: 'ready'; port?: number }
  | { type: 'served'; requests: Served[] }
  | ({ type: 'measured' } & Measured)
  | { type: 'streamed'; tokens: number };

const send = (message: FromChild) => process.send?.(message);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let cpuAtStart = process.cpuUsage();

/**
 * The main thread's CPU time in ms, from Linux's /proc (utime and stime, in the fixed 100 Hz ticks of
 * that interface): process.cpuUsage counts every thread, and a CPU profile sees only this one.
 * NaN where there is no /proc.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
let mainAtStart = mainThreadCpuMs();

// Node's own probes of its HTTP server: when each connection was accepted, its request parsed and answered.
const wallClock = () => performance.timeOrigin + performance.now();
let served = new Map<number, Partial<Served>>();
const servedOn = (socket: Socket | undefined) => {
  const port = socket?.remotePort ?? 0;
  const entry = served.get(port) ?? { port };
  served.set(port, entry);
  return entry;
};
diagnostics.subscribe('net.server.socket', (message) => {
  servedOn((message as { socket: Socket }).socket).acceptedAt = wallClock();
});
diagnostics.subscribe('http.server.request.start', (message) => {
  servedOn((message as { socket: Socket }).socket).requestAt ??= wallClock();
});
diagnostics.subscribe('http.server.response.finish', (message) => {
  servedOn((message as { request: { socket: Socket } }).request.socket).answeredAt ??= wallClock();
});

const appRoot = process.env.APP_ROOT ?? new URL('..', import.meta.url).pathname;
const module = (path: string) => import(pathToFileURL(`${appRoot}/src/${path}`).href);

async function startApp(): Promise<number | undefined> {
  const { createBedrockSlackApp } = await module('app.js');
  const { loadConfig } = await module('config.js');
  const { createLogger } = await module('logger.js');
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new Error(loaded.problem.join('\n'));
  const app = await createBedrockSlackApp(loaded.value, createLogger('error'));
  return app.start();
}

/** What a minimal client does with a stream: read every event and keep the text. */
const clients = new Map<BareClient, BedrockRuntimeClient>();

async function runtimeClient(kind: BareClient): Promise<BedrockRuntimeClient> {
  const made = clients.get(kind);
  if (made) return made;
  let client: BedrockRuntimeClient;
  if (kind === 'sdk defaults') client = new BedrockRuntimeClient({});
  else {
    const { createBedrockClients } = await module('bedrock/clients.js');
    const { createLogger } = await module('logger.js');
    client = createBedrockClients(process.env.AWS_REGION, createLogger('error')).runtime;
  }
  clients.set(kind, client);
  return client;
}

async function bareStreams(
  modelIds: string[],
  prompt: string,
  count: number,
  kind: BareClient,
): Promise<number> {
  const client = await runtimeClient(kind);
  let tokens = 0;
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      modelIds.map(async (modelId) => {
        const answer = await client.send(
          new ConverseStreamCommand({
            modelId,
            messages: [{ role: 'user', content: [{ text: `${prompt} ${index}` }] }],
          }),
        );
        let text = '';
        for await (const event of answer.stream ?? []) {
          text += event.contentBlockDelta?.delta?.text ?? '';
          tokens += event.metadata?.usage?.outputTokens ?? 0;
        }
        return text;
      }),
    ).flat(),
  );
  return tokens;
}

process.on('message', (message: ToChild) => {
  if (message.type === 'start') {
    loop.reset();
    cpuAtStart = process.cpuUsage();
    mainAtStart = mainThreadCpuMs();
    served = new Map();
  } else if (message.type === 'stop') {
    const cpu = process.cpuUsage(cpuAtStart);
    send({
      type: 'measured',
      cpuMs: (cpu.user + cpu.system) / 1000,
      mainThreadCpuMs: mainThreadCpuMs() - mainAtStart,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
    });
  } else if (message.type === 'served') {
    const complete = [...served.values()].filter(
      (entry): entry is Served =>
        entry.acceptedAt !== undefined && entry.requestAt !== undefined && entry.answeredAt !== undefined,
    );
    send({ type: 'served', requests: complete });
  } else if (message.type === 'exit') {
    // Exits by itself, so a profile asked for with --cpu-prof is written.
    process.exit(0);
  } else {
    void bareStreams(message.modelIds, message.prompt, message.count, message.client).then((tokens) =>
      send({ type: 'streamed', tokens }),
    );
  }
});

if (process.argv[2] === 'app') void startApp().then((port) => send({ type: 'ready', port }));
else send({ type: 'ready' });
