import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { CatalogSource } from './bedrock/catalog.js';
import { type BedrockClients, createBedrockClients } from './bedrock/clients.js';
import { checkAwsCredentials } from './bedrock/credentials.js';
import { PriceBook } from './bedrock/pricing.js';
import { ChatService } from './chat/service.js';
import { Leaderboard } from './compare/leaderboard.js';
import { CompareService } from './compare/service.js';
import type { Config } from './config.js';
import { channelAllowed } from './jobs/access.js';
import { CustomizationJobs } from './jobs/client.js';
import { JobPoller } from './jobs/poller.js';
import { type Logger, slackLogger } from './logger.js';
import { operationsRoutes } from './ops/http-routes.js';
import { jobEventsRoute } from './ops/job-events-route.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { WorkTracker } from './ops/work-tracker.js';
import { registerChatEvents } from './slack/chat/events.js';
import { ChatFlow } from './slack/chat/flow.js';
import { registerCompareButtons } from './slack/compare/buttons.js';
import { CompareFlow } from './slack/compare/flow.js';
import { registerCompareForm } from './slack/compare/form.js';
import { registerJobButtons } from './slack/jobs/buttons.js';
import { JobsFlow } from './slack/jobs/flow.js';
import { JobThreadNotifier } from './slack/jobs/thread-notifier.js';
import { registerFinetuneViews } from './slack/jobs/views.js';
import { SlackFiles } from './slack/kit/files.js';
import { FormSeal } from './slack/kit/form-origin.js';
import { acknowledgeUnhandled, countRequests, dropRedeliveredEvents } from './slack/kit/middleware.js';
import { guardSlackRequests } from './slack/kit/request-gate.js';
import { DEFAULT_SLACK_RETRY, type RetryTiming } from './slack/kit/retry.js';
import { registerSlashCommand } from './slack/kit/slash-command.js';
import { UserNames } from './slack/kit/user-names.js';
import { webClientOptions } from './slack/kit/web-client-options.js';
import { openStore } from './store/store.js';
import type { Store } from './store/types.js';
import { UsageGuard } from './usage/guard.js';

export interface BedrockSlackApp {
  bolt: App;
  store: Store;
  poller: JobPoller;
  bedrock: BedrockClients;
  metrics: Metrics;
  work: WorkTracker;
  /** Starts listening; in HTTP mode resolves to the port actually bound. */
  start(): Promise<number | undefined>;
  /** Stops taking requests, lets in-flight work finish within the grace period, then closes everything. */
  stop(): Promise<void>;
}

export interface AppOverrides {
  /** Milliseconds between streaming updates of one message (tests shorten it). */
  updateIntervalMs?: number;
  /** Milliseconds between job polls, below FINETUNE_POLL_SECONDS' one-second floor (tests). */
  pollIntervalMs?: number;
  /** A fixed order for blind compares (tests); random otherwise. */
  shuffle?: <T>(items: T[]) => T[];
  /** How long Slack calls and store writes are retried (tests shorten them). */
  retry?: Partial<AppRetries>;
}

export interface AppRetries {
  /** A final update before it is posted afresh. */
  slack: RetryTiming;
  /** A placeholder post, which may wait for Slack's one thread read a minute to rule out a double post. */
  placeholder: RetryTiming;
  /** A finished answer or run while the store is unreachable. */
  store: RetryTiming;
}

const DEFAULT_RETRIES: AppRetries = {
  slack: DEFAULT_SLACK_RETRY,
  placeholder: { backoffMs: 500, deadlineMs: 90_000 },
  store: { backoffMs: 1000, deadlineMs: 5 * 60_000 },
};

/** The composition root: every client, store and service is built here, once, and wired to Slack. */
export async function createBedrockSlackApp(
  config: Config,
  logger: Logger,
  overrides: AppOverrides = {},
): Promise<BedrockSlackApp> {
  const store = await openStore(config.redisUrl, logger);
  logger.info(
    { store: store.kind, mode: config.mode },
    store.kind === 'embedded'
      ? 'REDIS_URL is not set: using the embedded store (state is lost on restart; run one replica only)'
      : 'using Redis for state',
  );
  const bedrock = createBedrockClients(config.awsRegion, logger);
  const metrics = createMetrics();
  const work = new WorkTracker((error) => logger.error({ err: error }, 'background work failed'));
  const retries = { ...DEFAULT_RETRIES, ...overrides.retry };
  const boltLogger = slackLogger(logger);
  const clientOptions = webClientOptions(config.slack.apiUrl, boltLogger);
  const slackClient = new WebClient(config.slack.botToken, clientOptions);
  const customizationJobs = new CustomizationJobs(bedrock.control);
  // Built before the receiver, whose EventBridge route drives it.
  const poller = new JobPoller({
    watches: store,
    jobs: customizationJobs,
    notifier: new JobThreadNotifier(slackClient, store, config.awsRegion),
    intervalMs: overrides.pollIntervalMs ?? config.finetune.pollMs,
    logger,
    channelAllowed: (channelId) => channelAllowed(config.finetune.allowedChannels, channelId),
  });
  const eventRoutes = config.finetune.eventsToken
    ? [
        jobEventsRoute(
          config.finetune.eventsToken,
          (jobArn) => work.run(() => poller.onJobStateChange(jobArn)),
          logger,
        ),
      ]
    : [];

  let receiver: Receiver;
  if (config.mode === 'socket') {
    receiver = new SocketModeReceiver({ appToken: config.slack.appToken!, logger: boltLogger });
  } else {
    const http = new HTTPReceiver({
      signingSecret: config.slack.signingSecret!,
      logger: boltLogger,
      customRoutes: [...operationsRoutes(store, metrics), ...eventRoutes],
    });
    guardSlackRequests(http, { signingSecret: config.slack.signingSecret!, seen: store, logger });
    receiver = http;
  }
  const identity = await botIdentity(slackClient, logger);
  const credentials = await checkAwsCredentials(bedrock.control);
  if (!credentials.ok) {
    // Nothing works without Bedrock, so a missing chain stops the start, unless a Bedrock API key
    // can still serve the runtime calls.
    if (!config.bedrockApiKey) throw new Error(credentials.problem.message);
    logger.warn(`${credentials.problem.message}; carrying on with AWS_BEARER_TOKEN_BEDROCK only`);
  }
  const bolt = new App({
    token: config.slack.botToken,
    // Known already, so Bolt asks Slack nothing more; its own check would reject unobserved when
    // Slack is unreachable and then fail every request until a restart.
    ...identity,
    tokenVerificationEnabled: false,
    receiver,
    logger: boltLogger,
    clientOptions,
  });
  bolt.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  bolt.use(acknowledgeUnhandled(logger));
  bolt.use(countRequests(metrics));
  bolt.use(dropRedeliveredEvents(store, logger));

  const catalog = new CatalogSource(
    bedrock.control,
    store,
    config.awsRegion,
    config.catalogCacheSeconds,
    logger,
  );
  const guard = new UsageGuard(store, config.limits);
  const files = new SlackFiles(config.slack.botToken, config.slack.apiUrl);
  const priceBook = PriceBook.fromFile(config.pricesFile);
  if (!priceBook.ok) throw new Error(priceBook.problem.message);
  const prices = priceBook.value;
  const compare = new CompareService({
    runtime: bedrock.runtime,
    store,
    prices,
    metrics,
    modelTimeoutMs: config.compare.modelTimeoutMs,
    defaultMaxTokens: config.compare.defaultMaxTokens,
    shuffle: overrides.shuffle,
  });
  const seal = new FormSeal(config.slack.botToken);
  const compareFlow = new CompareFlow({
    client: bolt.client,
    catalog,
    service: compare,
    guard,
    preferences: store,
    votes: store,
    leaderboard: new Leaderboard(store),
    conversations: store,
    conversationTtlSeconds: config.chat.conversationTtlSeconds,
    files,
    defaultMaxTokens: config.compare.defaultMaxTokens,
    defaultModels: config.compare.defaultModels,
    maxModels: config.compare.maxModels,
    seal,
    logger,
    shutdown: work,
    slackRetry: retries.slack,
    storeRetry: retries.store,
    updateIntervalMs: overrides.updateIntervalMs,
  });
  registerSlashCommand(bolt, '/compare', compareFlow, work, logger);
  registerCompareButtons(bolt, compareFlow, work, logger);
  registerCompareForm(bolt, compareFlow, seal, work, logger);

  const chat = new ChatService({
    runtime: bedrock.runtime,
    conversations: store,
    locks: store,
    prices,
    metrics,
    modelTimeoutMs: config.compare.modelTimeoutMs,
    maxTokens: config.compare.defaultMaxTokens,
    ttlSeconds: config.chat.conversationTtlSeconds,
  });
  const chatFlow = new ChatFlow({
    client: bolt.client,
    files,
    catalog,
    service: chat,
    guard,
    preferences: store,
    limits: store,
    names: new UserNames(bolt.client, store),
    defaultModel: config.chat.defaultModel,
    logger,
    shutdown: work,
    slackRetry: retries.slack,
    placeholderRetry: retries.placeholder,
    storeRetry: retries.store,
    updateIntervalMs: overrides.updateIntervalMs,
  });
  registerChatEvents(bolt, chatFlow, work, logger);

  const jobsFlow = new JobsFlow({
    client: bolt.client,
    jobs: customizationJobs,
    catalog,
    watches: store,
    store,
    access: config.finetune,
    seal,
    logger,
  });
  registerSlashCommand(bolt, '/finetune-status', jobsFlow, work, logger);
  registerJobButtons(bolt, jobsFlow, work, logger);
  registerFinetuneViews(bolt, jobsFlow, compareFlow, seal, work, logger);

  return {
    bolt,
    store,
    poller,
    bedrock,
    metrics,
    work,
    async start() {
      poller.start();
      if (config.mode === 'socket') {
        await bolt.start();
        logger.info('connected to Slack in socket mode');
        return undefined;
      }
      const server = (await bolt.start(config.slack.port)) as Server;
      const port = (server.address() as AddressInfo).port;
      logger.info(
        { port },
        'listening for Slack in HTTP mode (POST /slack/events, GET /healthz, GET /metrics)',
      );
      return port;
    },
    async stop() {
      await bolt
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping the receiver failed'));
      await poller.stop();
      const drained = await work.drain(config.shutdownGraceMs);
      if (!drained)
        logger.warn({ unfinished: work.size }, 'shutdown grace period ended with work unfinished');
      await store.close();
      bedrock.runtime.destroy();
      bedrock.control.destroy();
    },
  };
}

/** Errors with which Slack refuses a token: the app cannot work, so it stops with a clear line. */
const REFUSED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/**
 * Asks Slack who the bot is. A refused token stops the start with a clear line; an unreachable Slack
 * is only a warning, and Bolt then asks again on each request until it answers.
 */
async function botIdentity(
  client: WebClient,
  logger: Logger,
): Promise<{ botId: string; botUserId: string } | undefined> {
  try {
    const identity = await client.auth.test();
    logger.info({ team: identity.team, bot: identity.user }, 'the bot token is valid');
    return identity.bot_id && identity.user_id
      ? { botId: identity.bot_id, botUserId: identity.user_id }
      : undefined;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && REFUSED_TOKEN.has(code)) {
      throw new Error(
        `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token again from "OAuth & Permissions", reinstalling the app if it was removed`,
      );
    }
    logger.warn({ err: error }, 'could not reach Slack to check the bot token; carrying on');
    return undefined;
  }
}
