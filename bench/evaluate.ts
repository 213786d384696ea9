/**
 * Evaluation figures on the offline bench (real app, real AWS SDK, real Redis, loopback Slack and
 * Bedrock), as issue 12 asks:
 *  1. 200 rows × 3 models, EVAL_CONCURRENCY=8: wall time from Start to the last answer recorded,
 *     over the ideal (rows × answer time / concurrency, for the slowest model); CPU of this process
 *     meanwhile (the app *and* the simulator and fake Slack: an upper bound on the app's own).
 *  2. The app as its own process, killed (SIGKILL) at 50% and started again: rows paid twice (Bedrock
 *     calls beyond one per row × model), and whether the results match an uninterrupted run's.
 *     The same with SIGTERM (a deploy): in-flight rows finish and are handed over.
 *  3. Two replicas on one Redis running one evaluation: calls per row × model.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { parse } from 'csv-parse/sync';
import { createBedrockClients } from '../src/bedrock/clients.js';
import { createLogger } from '../src/logger.js';
import { BedrockSimulator } from '../src/playground/bedrock-simulator.js';
import { LocalSlack, visibleText } from '../src/playground/local-slack.js';
import { SlackSender } from '../src/playground/slack-requests.js';
import { BOT_TOKEN, SIGNING_SECRET, startBench } from '../test/support/harness.js';
import { RedisServer } from '../test/support/redis-server.js';

const MODELS = [
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'anthropic.claude-3-5-haiku-20241022-v1:0',
];
const ALIASES = 'nova-micro nova-lite claude-3.5-haiku';
const CONCURRENCY = 8;
/** Every run's app: no request limit or spend cap in the way, the evaluation's concurrency, quiet logs. */
const APP_ENV = {
  RATE_LIMIT_USER_PER_MINUTE: '1000',
  EVAL_CONCURRENCY: String(CONCURRENCY),
  DAILY_SPEND_CAP_USD: '0',
  LOG_LEVEL: 'warn',
};

const setOf = (rows: number, tag: string) =>
  `prompt,checks\n${Array.from({ length: rows }, (_, index) => `${tag} question ${index}: the capital of France?,contains:Paris`).join('\n')}`;

/** Scripted answer times: the slowest model (Claude) takes 300 ms a row. */
function script(bedrock: BedrockSimulator): Record<string, number> {
  const times = { [MODELS[0] as string]: 150, [MODELS[1] as string]: 200, [MODELS[2] as string]: 300 };
  for (const [modelId, ms] of Object.entries(times))
    bedrock.script(modelId, { answer: 'The capital of France is Paris.', firstTokenMs: ms });
  return times;
}

interface Driver {
  slack: LocalSlack;
  bedrock: BedrockSimulator;
  sender: () => SlackSender;
}

async function startEvaluation(driver: Driver, channel: string, csv: string, name: string): Promise<void> {
  const ts = `${Date.now() / 1000}`;
  const file = driver.slack.addFile(name, 'text/csv', Buffer.from(csv));
  const text = `<@UBOT> evaluate ${ALIASES}`;
  await driver
    .sender()
    .event({ type: 'app_mention', user: 'UADA', text, ts, channel, event_ts: ts, files: [file] });
  const estimate = await driver.slack.waitFor(
    () =>
      driver.slack
        .callsOf('chat.postMessage')
        .find((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('Estimate:')),
    30_000,
  );
  await driver.sender().blockAction({
    actionId: 'evaluate_start',
    value: String(
      (estimate.args.blocks as { elements?: { action_id: string; value: string }[] }[])
        .flatMap((block) => block.elements ?? [])
        .find((element) => element.action_id === 'evaluate_start')?.value,
    ),
    userId: 'UADA',
    channelId: channel,
    messageTs: String(estimate.response?.ts),
  });
}

const askedIn = (bedrock: BedrockSimulator, tag: string) =>
  bedrock.calls.filter(
    (call) =>
      call.operation === 'ConverseStream' && JSON.stringify(call.body.messages).includes(`${tag} question`),
  );

/** Calls per row × model beyond the first: rows paid twice. */
function paidTwice(bedrock: BedrockSimulator, tag: string): number {
  const seen = new Map<string, number>();
  for (const call of askedIn(bedrock, tag)) {
    const key = `${call.modelId} ${JSON.stringify(call.body.messages)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
}

const resultsCsvIn = (slack: LocalSlack, channel: string, timeoutMs: number) =>
  slack.waitFor(() => {
    const csv = [...slack.uploads.values()].find(
      (upload) => upload.channel === channel && upload.filename.endsWith('.csv'),
    );
    return csv?.bytes
      ? (parse(csv.bytes.toString('utf8'), { columns: true }) as Record<string, string>[])
      : undefined;
  }, timeoutMs);

/** What must match between two runs of the same set: each answer, its checks and tokens (not its timing). */
const comparable = (lines: Record<string, string>[]) =>
  lines
    .map((line) =>
      [
        line.row,
        line.model,
        line.status,
        line.answer,
        line.checks_failed,
        line.input_tokens,
        line.output_tokens,
        line.cost_usd,
      ].join('|'),
    )
    .join('\n');

async function throughput(): Promise<string> {
  const bench = await startBench({
    env: APP_ENV,
    overrides: { updateIntervalMs: 300 },
  });
  try {
    const times = script(bench.bedrock);
    const rows = 200;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await startEvaluation(
      { slack: bench.slack, bedrock: bench.bedrock, sender: () => bench.sender },
      'CBENCH1',
      setOf(rows, 'T'),
      'bench.csv',
    );
    await bench.slack.waitFor(
      () => askedIn(bench.bedrock, 'T').length >= rows * MODELS.length && bench.bedrock.calls.length,
      120_000,
    );
    const lastAnswer = performance.now();
    await resultsCsvIn(bench.slack, 'CBENCH1', 60_000);
    const wallMs = lastAnswer - started;
    const used = process.cpuUsage(cpu);
    const cores = (used.user + used.system) / 1000 / (performance.now() - started);
    const ideal = (rows * Math.max(...Object.values(times))) / CONCURRENCY;
    const baseline = await rawPool(bench.bedrock, rows);
    return [
      `200 rows × 3 models, concurrency ${CONCURRENCY}: Start → last answer ${(wallMs / 1000).toFixed(2)} s; ideal for the slowest model (200 × 300 ms / 8) ${(ideal / 1000).toFixed(2)} s: ×${(wallMs / ideal).toFixed(2)}`,
      `  the same calls made straight through the SDK, 8 at a time per model, no app, same machine and moment: ${(baseline / 1000).toFixed(2)} s; the app over it: ×${(wallMs / baseline).toFixed(2)}`,
      `  CPU of app + simulator + fake Slack in one process: ${cores.toFixed(2)} cores on average (upper bound on the app's own)`,
    ].join('\n');
  } finally {
    await bench.stop();
  }
}

/** The machine's own floor: the same 600 calls through the SDK with 8 in flight per model, no app. */
async function rawPool(bedrock: BedrockSimulator, rows: number): Promise<number> {
  const { runtime } = createBedrockClients('us-east-1', createLogger('silent'));
  const started = performance.now();
  await Promise.all(
    // Claude 3.5 Haiku is served through its US inference profile, as the app calls it.
    MODELS.map((id) => (id.startsWith('anthropic.') ? `us.${id}` : id)).map(async (modelId) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < rows) {
            const row = next++;
            const answer = await runtime.send(
              new ConverseStreamCommand({
                modelId,
                messages: [{ role: 'user', content: [{ text: `Raw question ${row}` }] }],
              }),
            );
            for await (const _event of answer.stream ?? []) {
              // read to the end, as the app does
            }
          }
        }),
      );
    }),
  );
  runtime.destroy();
  void bedrock;
  return performance.now() - started;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The app as `npm start` runs it, in its own process, on the bench's Slack, Bedrock and Redis. */
function startProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
}

async function waitForHealth(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the app did not start');
}

async function restart(signal: 'SIGKILL' | 'SIGTERM', uninterrupted: string): Promise<string> {
  const slack = new LocalSlack();
  slack.botToken = BOT_TOKEN;
  const bedrock = new BedrockSimulator();
  const redis = new RedisServer();
  await Promise.all([slack.start(), bedrock.start(), redis.start()]);
  script(bedrock);
  const port = await freePort();
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    REDIS_URL: redis.url,
    ...APP_ENV,
    ...bedrock.env(),
  };
  const sender = new SlackSender(`http://127.0.0.1:${port}`, SIGNING_SECRET, (id) => slack.responseUrl(id));
  let child = startProcess(env);
  try {
    await waitForHealth(port);
    const rows = 100;
    const total = rows * MODELS.length;
    await startEvaluation(
      { slack, bedrock, sender: () => sender },
      'CBENCH2',
      setOf(rows, 'R'),
      'restart.csv',
    );
    await slack.waitFor(() => askedIn(bedrock, 'R').length >= total / 2, 60_000);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    const atStop = askedIn(bedrock, 'R').length;
    child = startProcess(env);
    await waitForHealth(port);
    const lines = await resultsCsvIn(slack, 'CBENCH2', 120_000);
    const same =
      comparable(lines).replace(/R question/g, 'question') ===
      uninterrupted.replace(/U question/g, 'question');
    return `${signal} at ${atStop}/${total} answers asked, restarted: rows paid twice ${paidTwice(bedrock, 'R')}; results ${same ? 'identical to' : 'DIFFERENT from'} an uninterrupted run (answers, checks, tokens, cost)`;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await Promise.all([slack.stop(), bedrock.stop(), redis.stop()]);
  }
}

async function uninterruptedRun(): Promise<string> {
  const bench = await startBench({
    env: APP_ENV,
  });
  try {
    script(bench.bedrock);
    await startEvaluation(
      { slack: bench.slack, bedrock: bench.bedrock, sender: () => bench.sender },
      'CBENCH3',
      setOf(100, 'U'),
      'restart.csv',
    );
    return comparable(await resultsCsvIn(bench.slack, 'CBENCH3', 120_000));
  } finally {
    await bench.stop();
  }
}

async function twoReplicas(): Promise<string> {
  const bench = await startBench({
    env: APP_ENV,
    overrides: { evaluationSweepMs: 200 },
  });
  try {
    script(bench.bedrock);
    await bench.startReplica();
    await startEvaluation(
      { slack: bench.slack, bedrock: bench.bedrock, sender: () => bench.sender },
      'CBENCH4',
      setOf(200, 'P'),
      'replicas.csv',
    );
    await resultsCsvIn(bench.slack, 'CBENCH4', 120_000);
    const calls = askedIn(bench.bedrock, 'P').length;
    const results = bench.slack
      .callsOf('chat.postMessage')
      .filter(
        (call) => call.args.channel === 'CBENCH4' && String(call.args.text).startsWith('Results of'),
      ).length;
    return `two replicas, one Redis, 200 rows × 3 models: ${calls} calls for 600 row × model (rows run twice: ${paidTwice(bench.bedrock, 'P')}); results posted ${results} time(s)`;
  } finally {
    await bench.stop();
  }
}

export async function benchEvaluate(): Promise<void> {
  console.log('\nEvaluations');
  // EVAL_BENCH=throughput or =restart runs one part alone.
  const only = process.env.EVAL_BENCH;
  if (only !== 'restart') console.log(await throughput());
  if (only === 'throughput') return;
  const uninterrupted = await uninterruptedRun();
  console.log(await restart('SIGKILL', uninterrupted));
  console.log(await restart('SIGTERM', uninterrupted));
  console.log(await twoReplicas());
}

if (process.argv[1]?.endsWith('evaluate.ts')) await benchEvaluate();
