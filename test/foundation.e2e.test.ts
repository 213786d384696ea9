import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSlack } from '../src/playground/local-slack.js';
import { buttonValue, visibleText } from './support/blocks.js';
import { storedRun } from './support/compare-runs.js';
import { type Bench, BOT_TOKEN, SIGNING_SECRET, startBench } from './support/harness.js';

const run = promisify(execFile);

const finalUpdate = (bench: Bench) =>
  bench.slack.waitFor(() =>
    bench.slack.callsOf('chat.update').find((call) => JSON.stringify(call.args.blocks).includes('Summary')),
  );

describe.each([
  { store: 'Redis', redis: true },
  { store: 'the embedded store', redis: false },
])('a signed /compare in HTTP mode, with $store', ({ redis }) => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await startBench({ redis });
    bench.bedrock.script('amazon.nova-micro-v1:0', {
      answer: 'EC2, S3, Lambda and RDS are the top AWS services.',
    });
    bench.bedrock.script('meta.llama3-70b-instruct-v1:0', { answer: 'S3 first, then **EC2**.' });
  });
  afterAll(() => bench.stop());

  it('posts a Block Kit message carrying the answers Bedrock streamed, and keeps the run in the store', async () => {
    const ack = await bench.sender.command(
      '/compare',
      'nova-micro llama3-70b What are the top AWS services?',
    );
    expect(ack.status).toBe(200);

    const posted = await bench.slack.waitFor(() => bench.slack.callsOf('chat.postMessage')[0]);
    expect(posted.args.channel).toBe('C0001');
    const final = await finalUpdate(bench);
    const shown = visibleText(final.args.blocks);
    expect(shown).toContain('EC2, S3, Lambda and RDS are the top AWS services.');
    expect(shown).toContain('S3 first, then *EC2*.');
    expect(final.args.ts).toBe(posted.response?.ts);

    // The emulator was reached through the real SDK client, signed for the `bedrock` service.
    const call = bench.bedrock.callsFor('amazon.nova-micro-v1:0')[0];
    expect(call?.operation).toBe('ConverseStream');
    expect(call?.authorization).toMatch(
      /Credential=AKIAEMULATOR00000000\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect(call?.body.messages[0]?.content[0]).toEqual({ text: 'What are the top AWS services?' });

    // The run's state is where the replicas would find it.
    const runId = buttonValue(final.args.blocks, 'compare_run_again');
    const stored = await storedRun(bench.app.store, runId);
    expect(stored?.models.map((model) => model.text)).toEqual([
      'EC2, S3, Lambda and RDS are the top AWS services.',
      'S3 first, then **EC2**.',
    ]);
    if (bench.redis) {
      const redisClient = new Redis(bench.redis.url);
      const keys = await redisClient.keys('bedrock-slack:doc:compare:*');
      await redisClient.quit();
      expect(keys).toContain(`bedrock-slack:doc:compare:${runId}`);
    }
  });

  it('answers 401 to a bad or stale signature and posts and stores nothing', async () => {
    const postsBefore = bench.slack.calls.length;
    const callsBefore = bench.bedrock.calls.length;
    const forged = await bench.sender.command(
      '/compare',
      'nova-micro sonnet hi',
      {},
      { secret: 'not-the-secret' },
    );
    const stale = await bench.sender.command(
      '/compare',
      'nova-micro sonnet hi',
      {},
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bench.slack.calls.length).toBe(postsBefore);
    expect(bench.slack.responses).toHaveLength(0);
    expect(bench.bedrock.calls.length).toBe(callsBefore);
  });

  it('serves /healthz and /metrics on the same port', async () => {
    const health = await fetch(`${bench.appUrl}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${bench.appUrl}/metrics`)).text();
    expect(metrics).toContain('bedrock_slack_requests_total{kind="command",name="/compare"}');
    expect(metrics).toMatch(
      /bedrock_slack_model_tokens_total\{model="amazon.nova-micro-v1:0",direction="output"\} \d+/,
    );
  });

  it('never writes a token or secret to its logs', () => {
    const logged = bench.logs.lines.join('\n');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toContain(BOT_TOKEN);
    expect(logged).not.toContain(SIGNING_SECRET);
    expect(logged).not.toContain('emulator-secret-key-not-real');
  });
});

describe('/healthz with Redis down', () => {
  it('answers 503', async () => {
    const bench = await startBench({ redis: true });
    try {
      await bench.redis?.stop();
      const health = await fetch(`${bench.appUrl}/healthz`);
      expect(health.status).toBe(503);
    } finally {
      await bench.stop();
    }
  });
});

describe('/healthz with Redis hung', () => {
  it('answers 503 instead of waiting on a paused Redis, and 200 once it runs again', async () => {
    const bench = await startBench({ redis: true });
    try {
      bench.redis?.pause();
      // Far longer than the health check may take; a load balancer would have given up long before.
      const health = await fetch(`${bench.appUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'store unreachable', store: 'redis' });
      bench.redis?.resume();
      await bench.slack.waitFor(async () => (await fetch(`${bench.appUrl}/healthz`)).status === 200);
    } finally {
      bench.redis?.resume();
      await bench.stop();
    }
  });

  it('tells a person the store is unreachable instead of leaving their command unanswered', async () => {
    const bench = await startBench({ redis: true });
    try {
      bench.redis?.pause();
      const ack = await bench.sender.command('/compare', 'nova-micro llama3-70b hi', { responseId: 'hung' });
      expect(ack.status).toBe(200);
      const reply = await bench.slack.responseTo('hung', 'ephemeral');
      expect(visibleText(reply.body.blocks)).toContain('state store (Redis) is unreachable');
    } finally {
      bench.redis?.resume();
      await bench.stop();
    }
  });
});

describe('REDIS_URL unreachable', () => {
  it('names REDIS_URL and the cause at start and in every later store-unreachable line, never the password', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const password = 'hunter2-redis-password';
    const bench = await startBench({
      redis: false,
      env: { REDIS_URL: `redis://:${password}@127.0.0.1:${port}` },
    });
    try {
      const where = `REDIS_URL redis://:****@127.0.0.1:${port} is unreachable (connect ECONNREFUSED 127.0.0.1:${port})`;
      expect(
        bench.logs.lines.find((line) => line.includes('"level":40') && line.includes(where)),
      ).toBeDefined();

      await bench.sender.command('/compare', 'nova-micro llama3-70b hi', { responseId: 'redis-down' });
      const reply = await bench.slack.waitFor(() =>
        bench.slack.responses.find((response) => response.path.endsWith('/redis-down')),
      );
      expect(JSON.stringify(reply.body)).toContain('state store (Redis) is unreachable');
      const storeLines = bench.logs.lines.filter((line) => /unreachable/i.test(line));
      expect(storeLines.length).toBeGreaterThanOrEqual(2);
      for (const line of storeLines) expect(line).toContain(where);
      expect(bench.logs.lines.join('\n')).not.toContain(password);
    } finally {
      await bench.stop();
    }
  });
});

describe('start-up', () => {
  it('stops with one clear line naming a missing token, and a non-zero exit', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: '',
        SLACK_SIGNING_SECRET: 'x',
        AWS_REGION: 'us-east-1',
      },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const lines = failure?.stderr.trim().split('\n') ?? [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SLACK_BOT_TOKEN is missing: install the app from manifest.yml .*xoxb-/);
  });

  it('stops with one clear line naming what to set when the AWS credential chain finds nothing', async () => {
    const slack = new LocalSlack();
    await slack.start();
    try {
      const failure = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        timeout: 20_000,
        env: {
          PATH: process.env.PATH,
          HOME: '/nonexistent',
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          PORT: '0',
          LOG_LEVEL: 'silent',
        },
      }).then(
        () => undefined,
        (error: { code: number | null; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      // The AWS SDK may add its own Node.js version notice; the app's own words are one line.
      const lines = (failure?.stderr.trim().split('\n') ?? []).filter((line) =>
        line.startsWith('bedrock-slack:'),
      );
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /AWS credentials are missing: set AWS_PROFILE .* AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
      );
    } finally {
      await slack.stop();
    }
  });

  it('stops with a clear line when Slack refuses the bot token, without printing it', async () => {
    const slack = new LocalSlack();
    await slack.start();
    try {
      slack.failNext('auth.test', { error: 'invalid_auth' });
      const failure = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: {
          PATH: process.env.PATH,
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          AWS_REGION: 'us-east-1',
          PORT: '0',
          LOG_LEVEL: 'silent',
        },
      }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain('Slack refused SLACK_BOT_TOKEN (invalid_auth)');
      expect(failure?.stderr).not.toContain(BOT_TOKEN);
    } finally {
      await slack.stop();
    }
  });
});
