import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BedrockSimulator } from '../src/playground/bedrock-simulator.js';
import { startPlayground } from '../src/playground/start.js';
import { RedisServer } from './support/redis-server.js';

// `npm start` on a machine with no Slack variables: the playground, or one clear line when it cannot.

/** The environment of a fresh machine: no Slack variables, no AWS credentials. */
function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (/^(SLACK_|AWS_ACCESS|AWS_SECRET|AWS_ENDPOINT|AWS_REGION|REDIS_URL|NODE_ENV|PORT)/.test(name))
      delete env[name];
  return { ...env, ...extra };
}

const running: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Our own lines, without the warnings Node and the AWS SDK print about themselves. */
const ours = (text: string) => text.split('\n').filter((line) => line.startsWith('bedrock-slack:'));

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A server holding a loopback port, as another program would. */
async function listen(handler: http.RequestListener = (_, response) => response.end()): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start with no Slack variables', () => {
  it('serves the playground on 127.0.0.1 and says so on one line, with its URL', async () => {
    const holder = await listen();
    const port = portOf(holder);
    await new Promise((resolve) => holder.close(resolve));
    const app = start(freshEnv({ PORT: String(port) }));
    await until(() => app.stdout().includes('local playground'));
    expect(ours(app.stdout())).toEqual([
      `bedrock-slack: local playground at http://127.0.0.1:${port} (no Slack variables set; Simulated Bedrock (no AWS credentials found)); Ctrl+C stops it`,
    ]);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Bedrock · local playground</title>');
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(ours(app.stderr())).toEqual([]);
  });

  it('names the port in use, in one line, and exits', async () => {
    const holder = await listen();
    const port = portOf(holder);
    const app = start(freshEnv({ PORT: String(port) }));
    expect(await app.exited).toBe(1);
    expect(ours(app.stderr())).toEqual([
      `bedrock-slack: could not start: port ${port} on 127.0.0.1 is in use (is a playground already running?): stop what uses it, or choose another, e.g. PORT=${port + 1} npm start`,
    ]);
    await new Promise((resolve) => holder.close(resolve));
  });

  it('in production still stops on the missing Slack variables', async () => {
    const app = start(freshEnv({ NODE_ENV: 'production', AWS_REGION: 'us-east-1' }));
    expect(await app.exited).toBe(1);
    expect(ours(app.stderr())[0]).toMatch(/^bedrock-slack: SLACK_BOT_TOKEN is missing/);
  });

  it('says in one line when AWS credentials resolve but Bedrock refuses them, and simulates instead', async () => {
    // Bedrock's answer to keys it does not know.
    const bedrock = await listen((_, response) => {
      response.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'UnrecognizedClientException',
      });
      response.end(JSON.stringify({ message: 'The security token included in the request is invalid.' }));
    });
    const app = start(
      freshEnv({
        PORT: '0',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAREFUSED000000000',
        AWS_SECRET_ACCESS_KEY: 'refused-secret',
        AWS_ENDPOINT_URL_BEDROCK: `http://127.0.0.1:${portOf(bedrock)}`,
      }),
    );
    await until(() => app.stdout().includes('local playground'));
    expect(ours(app.stderr())).toEqual([
      'bedrock-slack: AWS credentials were found but Bedrock in us-east-1 refused them (UnrecognizedClientException); showing simulated answers instead. Renew the credentials or allow bedrock:ListFoundationModels (README, "AWS permissions") for real ones, or set PLAYGROUND_BEDROCK=simulated to skip this check.',
    ]);
    expect(app.stdout()).toContain('Simulated Bedrock (AWS credentials refused)');
    expect(app.stderr()).not.toContain('refused-secret');
    app.child.kill('SIGTERM');
    await app.exited;
    await new Promise((resolve) => bedrock.close(resolve));
  });
});

describe('the playground’s store', () => {
  it('is Redis when REDIS_URL is set, the embedded one otherwise', async () => {
    const redis = new RedisServer();
    await redis.start();
    const settings = { port: 0, bedrock: 'simulated' as const, awsRegion: 'us-east-1' };
    const withRedis = await startPlayground({ env: { LOG_LEVEL: 'silent', REDIS_URL: redis.url }, settings });
    const embedded = await startPlayground({ env: { LOG_LEVEL: 'silent' }, settings });
    try {
      expect(withRedis.app.store.kind).toBe('redis');
      expect(embedded.app.store.kind).toBe('embedded');
    } finally {
      await Promise.all([withRedis.stop(), embedded.stop()]);
      await redis.stop();
    }
  });
});

describe('the playground with AWS credentials set', () => {
  const bedrock = new BedrockSimulator();
  afterAll(() => bedrock.stop());

  it('calls that Bedrock (here the simulator, through the SDK endpoint overrides) from the same page', async () => {
    await bedrock.start();
    // The SDK reads the endpoint overrides and the credentials from the environment, as it would AWS's.
    Object.assign(process.env, bedrock.env());
    const playground = await startPlayground({
      env: { LOG_LEVEL: 'warn' },
      settings: { port: 0, bedrock: 'auto', awsRegion: 'us-east-1' },
      appOverrides: { updateIntervalMs: 50 },
    });
    try {
      expect(playground.bedrock).toEqual({ kind: 'aws', region: 'us-east-1' });
      expect(playground.simulator).toBeUndefined();
      const stream = await fetch(`${playground.url}/stream`);
      const reader = stream.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain(
        '"bedrock":"Amazon Bedrock (us-east-1)","simulated":false',
      );
      await reader.cancel();
      const said = await fetch(`${playground.url}/api/say`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'C0GENERAL', text: '/compare nova-micro nova-lite Hello' }),
      });
      expect(said.status).toBe(204);
      await playground.slack.waitFor(() => bedrock.calls.length >= 2);
      expect(bedrock.calls.map((call) => call.operation)).toEqual(['ConverseStream', 'ConverseStream']);
    } finally {
      await playground.stop();
    }
  });
});
