import { z } from 'zod';
import type { JobAccessRules } from './jobs/access.js';
import { failed, ok, type Result } from './result.js';

/**
 * Every environment variable the app reads, validated once at start-up. Each problem becomes one
 * line that names the variable and says where its value comes from, because the person reading it
 * is setting the app up for the first time.
 */

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

function integer(name: string, fallback: number, min: number, max: number) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `${name} must be a whole number between ${min} and ${max}` })
      .int(`${name} must be a whole number between ${min} and ${max}`)
      .min(min, `${name} must be a whole number between ${min} and ${max}`)
      .max(max, `${name} must be a whole number between ${min} and ${max}`)
      .default(fallback),
  );
}

function decimal(name: string, fallback: number) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `${name} must be a number` })
      .nonnegative(`${name} must be zero or more`)
      .default(fallback),
  );
}

function list(fallback: string[]) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(/[\s,]+/)
            .map((item) => item.trim())
            .filter(Boolean)
        : value,
    z.array(z.string()).default(fallback),
  );
}

const schema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string({
        error:
          'SLACK_BOT_TOKEN is missing: install the app from manifest.yml and copy its Bot User OAuth Token (xoxb-…) from "OAuth & Permissions"',
      })
      .startsWith(
        'xoxb-',
        'SLACK_BOT_TOKEN must be a bot token starting with xoxb-: copy the Bot User OAuth Token from "OAuth & Permissions"',
      ),
  ),
  SLACK_APP_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .startsWith(
        'xapp-',
        'SLACK_APP_TOKEN must be an app-level token starting with xapp-: create one with the connections:write scope under "Basic Information"',
      )
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  PORT: integer('PORT', 3000, 0, 65535),
  SLACK_API_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ error: 'SLACK_API_URL must be a URL such as https://slack.com/api/' })
      .transform((url) => (url.endsWith('/') ? url : `${url}/`))
      .optional(),
  ),
  AWS_REGION: z.preprocess(
    blankToUndefined,
    z
      .string({
        error: 'AWS_REGION is missing: set it to the region where Bedrock models are enabled, e.g. us-east-1',
      })
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'AWS_REGION must be a region code such as us-east-1'),
  ),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^rediss?:\/\/.+/,
        'REDIS_URL must start with redis:// or rediss://, e.g. redis://localhost:6379',
      )
      .optional(),
  ),
  REDIS_CLUSTER_NODES: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^(rediss?:\/\/[^,\s]+|[^,:\s/]+:\d+)(,(rediss?:\/\/[^,\s]+|[^,:\s/]+:\d+))*$/,
        'REDIS_CLUSTER_NODES must list some of the cluster’s nodes, comma-separated, e.g. redis-1:6379,redis-2:6379 (or redis://:password@redis-1:6379,…)',
      )
      .optional(),
  ),
  FINETUNE_POLL_SECONDS: integer('FINETUNE_POLL_SECONDS', 60, 1, 86_400),
  FINETUNE_ALLOWED_CHANNELS: list([]),
  FINETUNE_ALLOWED_USERS: list([]),
  FINETUNE_STOPPERS: list([]),
  ADMIN_USERS: list([]),
  JOB_EVENTS_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .min(16, 'JOB_EVENTS_TOKEN must be at least 16 characters (a shared secret for EventBridge)')
      .optional(),
  ),
  COMPARE_DEFAULT_MODELS: list(['nova-micro', 'claude-3.5-haiku']),
  COMPARE_MAX_MODELS: integer('COMPARE_MAX_MODELS', 6, 2, 6),
  COMPARE_MODEL_TIMEOUT_SECONDS: integer('COMPARE_MODEL_TIMEOUT_SECONDS', 120, 1, 900),
  COMPARE_DEFAULT_MAX_TOKENS: integer('COMPARE_DEFAULT_MAX_TOKENS', 1024, 1, 64_000),
  EVAL_MAX_ROWS: integer('EVAL_MAX_ROWS', 500, 1, 10_000),
  EVAL_CONCURRENCY: integer('EVAL_CONCURRENCY', 8, 1, 64),
  CHAT_DEFAULT_MODEL: z.preprocess(blankToUndefined, z.string().default('claude-3.5-haiku')),
  CONVERSATION_TTL_DAYS: integer('CONVERSATION_TTL_DAYS', 7, 1, 365),
  SLACK_UPDATES_PER_MINUTE: integer('SLACK_UPDATES_PER_MINUTE', 50, 1, 100_000),
  SLACK_POSTS_PER_CHANNEL_PER_MINUTE: integer('SLACK_POSTS_PER_CHANNEL_PER_MINUTE', 60, 1, 100_000),
  SLACK_STREAMS_PER_MINUTE: integer('SLACK_STREAMS_PER_MINUTE', 20, 1, 100_000),
  SLACK_STREAM_APPENDS_PER_MINUTE: integer('SLACK_STREAM_APPENDS_PER_MINUTE', 100, 1, 100_000),
  CHAT_STREAMING: z.preprocess(
    blankToUndefined,
    z.enum(['native', 'edit'], { error: 'CHAT_STREAMING must be native or edit' }).default('native'),
  ),
  RATE_LIMIT_USER_PER_MINUTE: integer('RATE_LIMIT_USER_PER_MINUTE', 10, 1, 10_000),
  RATE_LIMIT_TEAM_PER_MINUTE: integer('RATE_LIMIT_TEAM_PER_MINUTE', 60, 1, 100_000),
  DAILY_SPEND_CAP_USD: decimal('DAILY_SPEND_CAP_USD', 5),
  PRICES_FILE: optionalString,
  CATALOG_CACHE_SECONDS: integer('CATALOG_CACHE_SECONDS', 3600, 1, 86_400),
  SHUTDOWN_GRACE_SECONDS: integer('SHUTDOWN_GRACE_SECONDS', 25, 1, 600),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
});

type Env = z.infer<typeof schema>;

/** Slack's per-workspace and per-channel limits on the calls a streaming message makes. */
export interface SlackRateLimits {
  /** chat.update, per workspace: Tier 3, about 50 a minute. */
  updatesPerMinute: number;
  /** chat.postMessage, per channel: about one a second. */
  postsPerChannelPerMinute: number;
  /**
   * chat.startStream, and apart from it chat.stopStream, per workspace: Tier 2, about 20 a minute
   * each (one of each per natively streamed reply).
   */
  streamsPerMinute: number;
  /** chat.appendStream, per workspace: Tier 4, about 100 a minute. */
  streamAppendsPerMinute: number;
}

export interface Config {
  slack: {
    botToken: string;
    /** Present in socket mode; absent in HTTP mode. */
    appToken?: string;
    signingSecret?: string;
    apiUrl?: string;
    port: number;
    /** Slack's own limits, kept by every replica together (slack/kit/slack-budget.ts). */
    rateLimits: SlackRateLimits;
  };
  mode: 'socket' | 'http';
  awsRegion: string;
  /** AWS_BEARER_TOKEN_BEDROCK is set: the runtime can be called with it even without an AWS credential chain. */
  bedrockApiKey: boolean;
  redisUrl?: string;
  /** A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES), instead of REDIS_URL. */
  redisClusterNodes?: string[];
  /** The allow-lists (FINETUNE_ALLOWED_CHANNELS, FINETUNE_ALLOWED_USERS, FINETUNE_STOPPERS) and polling. */
  jobs: JobAccessRules & {
    pollMs: number;
    /** Shared secret for EventBridge's job state changes (POST /events/bedrock); unset turns the route off. */
    eventsToken?: string;
  };
  compare: {
    defaultModels: string[];
    maxModels: number;
    modelTimeoutMs: number;
    defaultMaxTokens: number;
  };
  chat: {
    defaultModel: string;
    conversationTtlSeconds: number;
    /**
     * `native`: answers stream through chat.startStream where Slack allows it, editing a placeholder
     * where it refuses; `edit`: always a placeholder edited in place.
     */
    streaming: 'native' | 'edit';
  };
  /** Evaluations: rows a prompt set may have, and the most calls in flight per model (AIMD's ceiling). */
  evaluate: { maxRows: number; concurrency: number };
  limits: { userPerMinute: number; teamPerMinute: number; dailySpendCapUsd: number };
  /** User IDs who see the workspace's totals on App Home (ADMIN_USERS). */
  adminUsers: string[];
  pricesFile?: string;
  catalogCacheSeconds: number;
  shutdownGraceMs: number;
  logLevel: Env['LOG_LEVEL'];
}

/** The configuration, or every problem with it, one line each, so the operator fixes them in one go. */
export function loadConfig(source: Record<string, string | undefined>): Result<Config, string[]> {
  const env = { ...source, AWS_REGION: source.AWS_REGION || source.AWS_DEFAULT_REGION };
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  const data = parsed.data;
  if (!source.SLACK_APP_TOKEN?.trim() && !source.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(
      'SLACK_SIGNING_SECRET is missing: HTTP mode needs the Signing Secret from "Basic Information" (or set SLACK_APP_TOKEN for socket mode)',
    );
  }
  if (data?.REDIS_URL && data.REDIS_CLUSTER_NODES)
    problems.push(
      'REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis, REDIS_CLUSTER_NODES for a cluster',
    );
  if (!data || problems.length > 0) return failed(problems);

  return ok({
    slack: {
      botToken: data.SLACK_BOT_TOKEN,
      appToken: data.SLACK_APP_TOKEN,
      signingSecret: data.SLACK_SIGNING_SECRET,
      apiUrl: data.SLACK_API_URL,
      port: data.PORT,
      rateLimits: {
        updatesPerMinute: data.SLACK_UPDATES_PER_MINUTE,
        postsPerChannelPerMinute: data.SLACK_POSTS_PER_CHANNEL_PER_MINUTE,
        streamsPerMinute: data.SLACK_STREAMS_PER_MINUTE,
        streamAppendsPerMinute: data.SLACK_STREAM_APPENDS_PER_MINUTE,
      },
    },
    mode: data.SLACK_APP_TOKEN ? 'socket' : 'http',
    awsRegion: data.AWS_REGION,
    bedrockApiKey: Boolean(source.AWS_BEARER_TOKEN_BEDROCK),
    redisUrl: data.REDIS_URL,
    redisClusterNodes: data.REDIS_CLUSTER_NODES?.split(','),
    jobs: {
      pollMs: data.FINETUNE_POLL_SECONDS * 1000,
      allowedChannels: data.FINETUNE_ALLOWED_CHANNELS,
      allowedUsers: data.FINETUNE_ALLOWED_USERS,
      stoppers: data.FINETUNE_STOPPERS,
      eventsToken: data.JOB_EVENTS_TOKEN,
    },
    compare: {
      defaultModels: data.COMPARE_DEFAULT_MODELS,
      maxModels: data.COMPARE_MAX_MODELS,
      modelTimeoutMs: data.COMPARE_MODEL_TIMEOUT_SECONDS * 1000,
      defaultMaxTokens: data.COMPARE_DEFAULT_MAX_TOKENS,
    },
    chat: {
      defaultModel: data.CHAT_DEFAULT_MODEL,
      conversationTtlSeconds: data.CONVERSATION_TTL_DAYS * 86_400,
      streaming: data.CHAT_STREAMING,
    },
    evaluate: { maxRows: data.EVAL_MAX_ROWS, concurrency: data.EVAL_CONCURRENCY },
    limits: {
      userPerMinute: data.RATE_LIMIT_USER_PER_MINUTE,
      teamPerMinute: data.RATE_LIMIT_TEAM_PER_MINUTE,
      dailySpendCapUsd: data.DAILY_SPEND_CAP_USD,
    },
    adminUsers: data.ADMIN_USERS,
    pricesFile: data.PRICES_FILE,
    catalogCacheSeconds: data.CATALOG_CACHE_SECONDS,
    shutdownGraceMs: data.SHUTDOWN_GRACE_SECONDS * 1000,
    logLevel: data.LOG_LEVEL,
  });
}

/**
 * No Slack variable at all, outside production: `npm start` opens the local playground instead of
 * stopping on the first missing one. Production still stops with the clear lines above.
 */
export function playgroundWanted(source: Record<string, string | undefined>): boolean {
  const unset = (name: string) => !source[name]?.trim();
  return (
    source.NODE_ENV !== 'production' &&
    unset('SLACK_BOT_TOKEN') &&
    unset('SLACK_APP_TOKEN') &&
    unset('SLACK_SIGNING_SECRET')
  );
}

const playgroundSchema = z.object({
  PORT: integer('PORT', 3000, 0, 65535),
  PLAYGROUND_BEDROCK: z.preprocess(
    blankToUndefined,
    z
      .enum(['auto', 'simulated'], {
        error: 'PLAYGROUND_BEDROCK must be auto (real Bedrock when AWS credentials work) or simulated',
      })
      .default('auto'),
  ),
});

export interface PlaygroundSettings {
  /** Where the page listens, on 127.0.0.1. */
  port: number;
  bedrock: 'auto' | 'simulated';
  /** AWS_REGION (or AWS_DEFAULT_REGION), us-east-1 when neither is set. */
  awsRegion: string;
}

/** The playground's own variables; every other one is checked as usual when its app starts. */
export function loadPlaygroundSettings(
  source: Record<string, string | undefined>,
): Result<PlaygroundSettings, string[]> {
  const parsed = playgroundSchema.safeParse(source);
  if (!parsed.success) return failed(parsed.error.issues.map((issue) => issue.message));
  return ok({
    port: parsed.data.PORT,
    bedrock: parsed.data.PLAYGROUND_BEDROCK,
    awsRegion: source.AWS_REGION?.trim() || source.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
  });
}
