import { Writable } from 'node:stream';
import { type AppOverrides, type BedrockSlackApp, createBedrockSlackApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { LocalSlack } from '../../src/playground/local-slack.js';
import { SlackSender } from '../../src/playground/slack-requests.js';
import { RedisServer } from './redis-server.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-1111-2222-testtokenvalue';

/** The app answering threads through Slack's native streaming, with Claude 3.5 Haiku, one person asking often. */
export const NATIVE_STREAMING_ENV = {
  CHAT_STREAMING: 'native',
  CHAT_DEFAULT_MODEL: 'claude-3.5-haiku',
  RATE_LIMIT_USER_PER_MINUTE: '1000',
} as const;

/** Every line the app logged, for assertions (nothing secret in them, for one). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
}

export interface Bench {
  slack: LocalSlack;
  bedrock: BedrockSimulator;
  redis?: RedisServer;
  app: BedrockSlackApp;
  sender: SlackSender;
  logs: LogCapture;
  appUrl: string;
  /**
   * Another instance of the app on the same Slack, Bedrock and Redis, as a second replica would be,
   * with a sender of its own for the requests a load balancer would hand it.
   */
  startReplica(): Promise<BedrockSlackApp & { sender: SlackSender }>;
  stop(): Promise<void>;
}

/**
 * The whole app in HTTP mode, configured only through its environment, against the fake Slack, the
 * Bedrock emulator and (unless `redis: false`) a real redis-server.
 */
export async function startBench(
  options: {
    redis?: boolean;
    env?: Record<string, string>;
    overrides?: AppOverrides;
    bedrock?: BedrockSimulator;
  } = {},
): Promise<Bench> {
  const slack = new LocalSlack();
  slack.botToken = BOT_TOKEN;
  const bedrock = options.bedrock ?? new BedrockSimulator();
  const redis = options.redis === false ? undefined : new RedisServer();
  await Promise.all([slack.start(), bedrock.start(), redis?.start()]);
  // The AWS SDK reads its endpoint overrides and credentials from the process environment itself.
  Object.assign(process.env, bedrock.env());
  const env: Record<string, string | undefined> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    REDIS_URL: redis?.url,
    LOG_LEVEL: 'debug',
    // Specs stream an update every 50 ms, twenty times Slack's pace: the limits scale with it.
    SLACK_UPDATES_PER_MINUTE: '6000',
    SLACK_POSTS_PER_CHANNEL_PER_MINUTE: '6000',
    // chat.startStream and chat.stopStream (Tier 2) and chat.appendStream (Tier 4) at twenty times
    // Slack's limits, so the specs that stream natively run within them as the app would in Slack.
    SLACK_STREAMS_PER_MINUTE: String(20 * 20),
    SLACK_STREAM_APPENDS_PER_MINUTE: String(100 * 20),
    // The specs written before native streaming are about the edit-in-place path (placeholders,
    // updates, their retries); the native streaming specs ask for `native`, the app's default.
    CHAT_STREAMING: 'edit',
    ...bedrock.env(),
    ...options.env,
  };
  const logs = new LogCapture();
  const overrides = { updateIntervalMs: 50, ...options.overrides };
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problem.join('\n'));
  const config = loaded.value;
  // The local Slack refuses what goes past the limits the app was given (429 with Retry-After).
  slack.rateLimits = config.slack.rateLimits;
  const app = await createBedrockSlackApp(config, createLogger('debug', logs), overrides);
  const port = await app.start();
  const replicas: BedrockSlackApp[] = [];
  const appUrl = `http://127.0.0.1:${port}`;
  return {
    slack,
    bedrock,
    redis,
    app,
    logs,
    appUrl,
    sender: new SlackSender(appUrl, SIGNING_SECRET, (id) => slack.responseUrl(id)),
    async startReplica() {
      const replica = await createBedrockSlackApp(config, createLogger('debug', logs), overrides);
      const replicaPort = await replica.start();
      replicas.push(replica);
      const replicaUrl = `http://127.0.0.1:${replicaPort}`;
      return Object.assign(replica, {
        sender: new SlackSender(replicaUrl, SIGNING_SECRET, (id) => slack.responseUrl(id)),
      });
    },
    async stop() {
      // SHOW_LOGS=1 prints what the app warned of, for reading a failed spec.
      if (process.env.SHOW_LOGS)
        console.log(logs.lines.filter((line) => /"level":(40|50)/.test(line)).join('\n'));
      await Promise.all([app, ...replicas].map((instance) => instance.stop()));
      await Promise.all([slack.stop(), bedrock.stop(), redis?.stop()]);
    },
  };
}

/**
 * A person mentions the bot in `channel` (in the thread `threadTs`, when given): Slack holds the message
 * and sends the app_mention event. Answers the app's HTTP status.
 */
export async function mentionBot(
  bench: Bench,
  mention: { channel: string; text: string; ts: string; threadTs?: string; user?: string },
): Promise<number> {
  const { channel, ts, threadTs, user = 'UADA' } = mention;
  const text = `<@UBOT> ${mention.text}`;
  bench.slack.seedMessage(channel, { ts, thread_ts: threadTs, user, text });
  const answer = await bench.sender.event({
    type: 'app_mention',
    user,
    text,
    ts,
    channel,
    event_ts: ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  return answer.status;
}
