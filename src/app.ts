import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { CatalogSource } from './bedrock/catalog.js';
import { type BedrockClients, createBedrockClients } from './bedrock/clients.js';
import { checkAwsCredentials } from './bedrock/credentials.js';
import { PriceBook } from './bedrock/pricing.js';
import { TokenCounter } from './bedrock/token-counting.js';
import { ModelChoice } from './chat/model-choice.js';
import { ChatService } from './chat/service.js';
import { ChatTurns } from './chat/turn.js';
import { Arena } from './compare/arena.js';
import { CompareBooking } from './compare/booking.js';
import { CompareContinuation } from './compare/continue.js';
import { Leaderboard } from './compare/leaderboard.js';
import { CompareRequests } from './compare/request.js';
import { CompareRuns } from './compare/runs.js';
import { CompareService } from './compare/service.js';
import { CompareVotes } from './compare/votes.js';
import type { Config } from './config.js';
import { ChannelDefaults } from './defaults/channel-settings.js';
import { Evaluations } from './evaluate/evaluations.js';
import { EvaluationPlanner } from './evaluate/planner.js';
import { EvaluationRunner } from './evaluate/runner.js';
import { AnswerFeedback } from './feedback/answers.js';
import { HomeOverviews } from './home/overview.js';
import { channelAllowed, JobAccess } from './jobs/access.js';
import { JobsClient } from './jobs/client.js';
import { CustomModelCompare } from './jobs/custom-compare.js';
import { CustomDeployments } from './jobs/deployments.js';
import { JobListing } from './jobs/listing.js';
import { NewJobs } from './jobs/new-job.js';
import { JobPoller } from './jobs/poller.js';
import { JobStopping } from './jobs/stopping.js';
import { JobWatching } from './jobs/watching.js';
import { type Logger, slackLogger } from './logger.js';
import { operationsRoutes } from './ops/http-routes.js';
import { jobEventsRoute } from './ops/job-events-route.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { WorkTracker } from './ops/work-tracker.js';
import { type MentionRoute, registerChatEvents } from './slack/chat/events.js';
import { ChatFlow } from './slack/chat/flow.js';
import { StreamingRefusals } from './slack/chat/native-reply.js';
import { PanelFlow, registerAssistantPanel } from './slack/chat/panel.js';
import { registerCompareButtons } from './slack/compare/buttons.js';
import { CompareFlow } from './slack/compare/flow.js';
import { registerCompareForm } from './slack/compare/form.js';
import { LiveCompare } from './slack/compare/live-compare.js';
import { CompareRunActions } from './slack/compare/run-actions.js';
import { registerEvaluateButtons } from './slack/evaluate/buttons.js';
import { EvaluateFlow } from './slack/evaluate/flow.js';
import { registerEvaluateForm } from './slack/evaluate/form.js';
import { registerFeedbackButtons } from './slack/feedback/buttons.js';
import { registerHome } from './slack/home/events.js';
import { HomeFlow } from './slack/home/flow.js';
import { HomePublisher } from './slack/home/publisher.js';
import { HOME_ACTIONS } from './slack/home/view.js';
import { registerJobButtons } from './slack/jobs/buttons.js';
import { JobsFlow } from './slack/jobs/flow.js';
import { SlackGroupMembers } from './slack/jobs/group-members.js';
import { JobThreadNotifier } from './slack/jobs/thread-notifier.js';
import { registerJobViews } from './slack/jobs/views.js';
import { runDetached } from './slack/kit/detached.js';
import { SlackFiles } from './slack/kit/files.js';
import { FormSeal } from './slack/kit/form-origin.js';
import { acknowledgeUnhandled, countRequests, dropRedeliveredEvents } from './slack/kit/middleware.js';
import { RequestGate } from './slack/kit/request-gate.js';
import { DEFAULT_SLACK_RETRY, type RetryTiming, retryInBackground } from './slack/kit/retry.js';
import { SlackBudget } from './slack/kit/slack-budget.js';
import { registerSlashCommand } from './slack/kit/slash-command.js';
import { UserNames } from './slack/kit/user-names.js';
import { webClientOptions } from './slack/kit/web-client-options.js';
import { ChannelSettingsFlow } from './slack/settings/flow.js';
import { registerChannelSettingsForm } from './slack/settings/form.js';
import { registerChannelPicker } from './slack/settings/picker.js';
import { openStore } from './store/store.js';
import type { Store } from './store/types.js';
import { UsageGuard } from './usage/guard.js';
import { UsageLedger } from './usage/ledger.js';

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
  /** How often a replica looks for evaluations no replica is running (tests shorten it). */
  evaluationSweepMs?: number;
  /** How long Slack calls and store writes are retried (tests shorten them). */
  retry?: Partial<AppRetries>;
  /** HTTP mode listens on this address only (the local playground: 127.0.0.1); all addresses otherwise. */
  listenHost?: string;
}

interface AppRetries {
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
  const store = await openStore({ url: config.redisUrl, clusterNodes: config.redisClusterNodes }, logger);
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
  const jobsClient = new JobsClient(bedrock.control);
  const priceBook = PriceBook.fromFile(config.pricesFile);
  if (!priceBook.ok) throw new Error(priceBook.problem.message);
  const prices = priceBook.value;
  // Built before the receiver, whose EventBridge route drives it.
  const poller = new JobPoller({
    watches: store,
    jobs: jobsClient,
    notifier: new JobThreadNotifier(slackClient, store, config.awsRegion, prices),
    intervalMs: overrides.pollIntervalMs ?? config.jobs.pollMs,
    logger,
    channelAllowed: (channelId) => channelAllowed(config.jobs.allowedChannels, channelId),
  });
  const eventRoutes = config.jobs.eventsToken
    ? [
        jobEventsRoute(
          config.jobs.eventsToken,
          (jobArn) => work.run(() => poller.onJobStateChange(jobArn)),
          logger,
        ),
      ]
    : [];

  let receiver: Receiver;
  if (config.mode === 'socket') {
    receiver = new SocketModeReceiver({ appToken: config.slack.appToken!, logger: boltLogger });
  } else {
    const gate = new RequestGate({ signingSecret: config.slack.signingSecret!, seen: store, logger });
    const http = new HTTPReceiver({
      signingSecret: config.slack.signingSecret!,
      logger: boltLogger,
      customRoutes: [...operationsRoutes(store, metrics), ...eventRoutes],
      customPropertiesExtractor: gate.properties,
      // The gate has verified the signature of every request Bolt dispatches (the same endpoint, POST
      // only): a second check would only add to each ack's CPU (issue 14, ack tails).
      signatureVerification: false,
    });
    gate.guard(http);
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
    // No listener reads Bolt's conversation context: its store would be one more step on every ack.
    convoStore: false,
    receiver,
    logger: boltLogger,
    clientOptions,
  });
  bolt.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  acknowledgeUnhandled(bolt, logger);
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
  // App Home shows usage, defaults and feedback: each change brings the person's Home up to date
  // (wired last, once Home is).
  let homeChanged: (teamId: string, userId: string) => void = () => {};
  const changed = (teamId: string, userId: string) => homeChanged(teamId, userId);
  const usage = new UsageLedger(store, undefined, changed);
  const channels = new ChannelDefaults(store, logger);
  const files = new SlackFiles(config.slack.botToken, config.slack.apiUrl);
  const seal = new FormSeal(config.slack.botToken);
  const budget = new SlackBudget(store, config.slack.rateLimits, logger);
  budget.follow(bolt.client);
  const wiring: Wiring = {
    config,
    logger,
    overrides,
    store,
    bedrock,
    metrics,
    work,
    retries,
    bolt,
    catalog,
    guard,
    usage,
    channels,
    homeChanged: changed,
    files,
    prices,
    seal,
    budget,
  };
  const compare = wireCompare(wiring);
  const evaluate = wireEvaluate(wiring);
  const chat = wireChat(wiring, evaluate.flow);
  const jobs = wireJobs(wiring, jobsClient, compare.flow);
  const home = wireHome(wiring, { ...compare, jobsClient, jobAccess: jobs.access });
  homeChanged = home.changed;
  registerAssistantPanel(
    bolt,
    new PanelFlow({
      client: bolt.client,
      catalog,
      chat: chat.flow,
      compare: compare.flow,
      jobs: jobs.flow,
      routes: chat.routes,
      conversations: chat.service,
      defaultModels: config.compare.defaultModels,
      logger,
    }),
    work,
    logger,
  );

  return {
    bolt,
    store,
    poller,
    bedrock,
    metrics,
    work,
    async start() {
      poller.start();
      evaluate.resume();
      if (config.mode === 'socket') {
        await bolt.start();
        logger.info('connected to Slack in socket mode');
        return undefined;
      }
      const port = config.slack.port;
      const listen = overrides.listenHost ? { port, host: overrides.listenHost } : port;
      const server = (await bolt.start(listen)) as Server;
      // A load balancer keeps idle connections open for 60 s (ALB's default) and sends the next
      // request on one: were the app to close it first (Node's default is 5 s), that request would
      // fail or wait for a new connection, which Node accepts one per event-loop turn. So the app
      // waits longer.
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
      // A burst of commands is acked before the work of any of them starts (src/ops/acks-first.ts).
      work.acksFirst.watch(server);
      const bound = (server.address() as AddressInfo).port;
      logger.info(
        { port: bound },
        'listening for Slack in HTTP mode (POST /slack/events, GET /healthz, GET /metrics)',
      );
      return bound;
    },
    async stop() {
      await bolt
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping the receiver failed'));
      await poller.stop();
      evaluate.stop();
      const drained = await work.drain(config.shutdownGraceMs);
      if (!drained)
        logger.warn({ unfinished: work.size }, 'shutdown grace period ended with work unfinished');
      await store.close();
      bedrock.runtime.destroy();
      bedrock.control.destroy();
    },
  };
}

/** What every feature is wired with: the clients, store and shared services built once. */
interface Wiring {
  config: Config;
  logger: Logger;
  overrides: AppOverrides;
  store: Store;
  bedrock: BedrockClients;
  metrics: Metrics;
  work: WorkTracker;
  retries: AppRetries;
  bolt: App;
  catalog: CatalogSource;
  guard: UsageGuard;
  usage: UsageLedger;
  channels: ChannelDefaults;
  /** Something a person's App Home shows changed for them. */
  homeChanged: (teamId: string, userId: string) => void;
  files: SlackFiles;
  prices: PriceBook;
  seal: FormSeal;
  /** Slack's rate limits, shared by every replica through the store. */
  budget: SlackBudget;
}

/** /compare: its use cases, flow, live messages, buttons and form. */
/** What the compare feature hands on to App Home. */
interface CompareWired {
  flow: CompareFlow;
  leaderboard: Leaderboard;
  settings: ChannelSettingsFlow;
}

function wireCompare(wiring: Wiring): CompareWired {
  const {
    config,
    logger,
    overrides,
    store,
    bedrock,
    metrics,
    work,
    retries,
    bolt,
    catalog,
    guard,
    usage,
    channels,
    files,
    prices,
    seal,
    budget,
  } = wiring;
  const compareRuns = new CompareRuns(store, logger);
  const leaderboard = new Leaderboard(store);
  const arena = new Arena(store);
  const compareService = new CompareService({
    runtime: bedrock.runtime,
    runs: compareRuns,
    prices,
    metrics,
    modelTimeoutMs: config.compare.modelTimeoutMs,
    defaultMaxTokens: config.compare.defaultMaxTokens,
    shuffle: overrides.shuffle,
  });
  const compareRequests = new CompareRequests({
    preferences: store,
    channels,
    defaultModels: config.compare.defaultModels,
    maxModels: config.compare.maxModels,
  });
  const settings = new ChannelSettingsFlow({
    client: bolt.client,
    catalog,
    channels,
    seal,
    maxModels: config.compare.maxModels,
  });
  registerChannelSettingsForm(bolt, settings, seal, logger);
  const compareFlow = new CompareFlow({
    client: bolt.client,
    catalog,
    guard,
    requests: compareRequests,
    service: compareService,
    live: new LiveCompare({
      client: bolt.client,
      service: compareService,
      runs: compareRuns,
      booking: new CompareBooking({ spend: guard, leaderboard, usage }),
      logger,
      shutdown: work,
      slackRetry: retries.slack,
      storeRetry: retries.store,
      updateIntervalMs: overrides.updateIntervalMs,
      budget,
    }),
    leaderboard,
    arena,
    files,
    defaultMaxTokens: config.compare.defaultMaxTokens,
    defaultModels: config.compare.defaultModels,
    maxModels: config.compare.maxModels,
    seal,
    settings,
  });
  registerSlashCommand(bolt, '/compare', compareFlow, work, logger);
  const compareActions = new CompareRunActions({
    client: bolt.client,
    catalog,
    requests: compareRequests,
    runs: compareRuns,
    votes: new CompareVotes({ runs: compareRuns, claims: store, counters: store, leaderboard, arena }),
    continuation: new CompareContinuation({
      runs: compareRuns,
      conversations: store,
      conversationTtlSeconds: config.chat.conversationTtlSeconds,
    }),
    compare: compareFlow,
  });
  registerCompareButtons(bolt, compareActions, work, logger);
  registerFeedbackButtons(
    bolt,
    new AnswerFeedback({
      runs: compareRuns,
      conversations: store,
      claims: store,
      leaderboard,
      conversationTtlSeconds: config.chat.conversationTtlSeconds,
    }),
    work,
    logger,
    wiring.homeChanged,
  );
  registerCompareForm(bolt, compareFlow, seal, work, logger);
  return {
    flow: compareFlow,
    leaderboard,
    settings,
  };
}

/** How often a replica looks for evaluations under way that no replica is running (one died). */
const EVALUATION_SWEEP_MS = 30_000;

/** Evaluations: `@Bedrock evaluate …` with a prompt set, its buttons, and joining runs under way. */
function wireEvaluate(wiring: Wiring): { flow: EvaluateFlow; resume(): void; stop(): void } {
  const {
    config,
    logger,
    overrides,
    store,
    bedrock,
    metrics,
    work,
    bolt,
    catalog,
    guard,
    usage,
    files,
    prices,
    seal,
  } = wiring;
  const evaluations = new Evaluations(store, config.chat.conversationTtlSeconds, logger);
  const runner = new EvaluationRunner({
    answers: { runtime: bedrock.runtime, metrics, prices, modelTimeoutMs: config.compare.modelTimeoutMs },
    evaluations,
    spend: guard,
    usage,
    logger,
    // Bedrock quotas usually allow it: start at the ceiling and back off only when throttled.
    concurrency: { initial: config.evaluate.concurrency, max: config.evaluate.concurrency },
  });
  const flow = new EvaluateFlow({
    client: bolt.client,
    files,
    planner: new EvaluationPlanner({
      catalog,
      prices,
      evaluations,
      budget: guard,
      maxRows: config.evaluate.maxRows,
      maxModels: config.compare.maxModels,
      defaultMaxTokens: config.compare.defaultMaxTokens,
    }),
    evaluations,
    runner,
    arena: new Arena(store),
    seal,
    logger,
    work,
    progressIntervalMs:
      overrides.updateIntervalMs === undefined ? undefined : overrides.updateIntervalMs * 10,
  });
  registerEvaluateButtons(bolt, flow, work, logger);
  registerSlashCommand(bolt, '/evaluate', flow, work, logger);
  registerEvaluateForm(bolt, flow, seal, work, logger);
  let sweep: NodeJS.Timeout | undefined;
  const resumeNow = () =>
    void flow
      .resumeRunning()
      .catch((error: unknown) => logger.warn({ err: error }, 'could not look for evaluations under way'));
  return {
    flow,
    resume() {
      resumeNow();
      sweep = setInterval(resumeNow, overrides.evaluationSweepMs ?? EVALUATION_SWEEP_MS);
      sweep.unref();
    },
    stop() {
      clearInterval(sweep);
      flow.stop();
    },
  };
}

/** Conversations in threads and DMs; `evaluate` takes the mentions that ask for an evaluation. */
function wireChat(
  wiring: Wiring,
  evaluate: EvaluateFlow,
): { flow: ChatFlow; service: ChatService; routes: MentionRoute[] } {
  const {
    config,
    logger,
    overrides,
    store,
    bedrock,
    metrics,
    work,
    retries,
    bolt,
    catalog,
    guard,
    usage,
    channels,
    files,
    prices,
    budget,
  } = wiring;
  const chat = new ChatService({
    runtime: bedrock.runtime,
    conversations: store,
    locks: store,
    prices,
    metrics,
    modelTimeoutMs: config.compare.modelTimeoutMs,
    maxTokens: config.compare.defaultMaxTokens,
    ttlSeconds: config.chat.conversationTtlSeconds,
    tokens: new TokenCounter(bedrock.runtime),
  });
  const chatFlow = new ChatFlow({
    client: bolt.client,
    files,
    catalog,
    service: chat,
    turns: new ChatTurns({
      service: chat,
      guard,
      usage,
      preferences: store,
      channels,
      defaultModel: config.chat.defaultModel,
      retryLater: (booking) =>
        retryInBackground(booking, retries.store, (error) =>
          logger.error({ err: error }, 'could not save a chat turn: the store stayed unreachable'),
        ),
    }),
    models: new ModelChoice({
      service: chat,
      preferences: store,
      channels,
      defaultModel: config.chat.defaultModel,
    }),
    limits: store,
    names: new UserNames(bolt.client, store, logger),
    logger,
    shutdown: work,
    slackRetry: retries.slack,
    placeholderRetry: retries.placeholder,
    updateIntervalMs: overrides.updateIntervalMs,
    budget,
    streamingMode: config.chat.streaming,
    statusIntervalMs: overrides.updateIntervalMs,
    streaming: new StreamingRefusals(),
  });
  const routes: MentionRoute[] = [
    { wants: (text) => EvaluateFlow.wants(text), handle: (event) => evaluate.handleMention(event) },
  ];
  registerChatEvents(bolt, chatFlow, work, logger, routes);
  return { flow: chatFlow, service: chat, routes };
}

/** /finetune-status: jobs use cases, flow, buttons and forms; its custom-model compare runs on `compareFlow`. */
function wireJobs(
  wiring: Wiring,
  jobsClient: JobsClient,
  compareFlow: CompareFlow,
): { flow: JobsFlow; access: JobAccess } {
  const { config, logger, store, work, bolt, catalog, seal } = wiring;
  const jobAccess = new JobAccess(config.jobs, new SlackGroupMembers(bolt.client, store, logger));
  const newJobs = new NewJobs(jobAccess, catalog, jobsClient);
  const jobsFlow = new JobsFlow({
    client: bolt.client,
    jobs: jobsClient,
    access: jobAccess,
    listing: new JobListing(jobsClient, store, logger),
    watching: new JobWatching(jobsClient, store),
    stopping: new JobStopping(jobsClient, jobAccess),
    deployments: new CustomDeployments(jobsClient, jobAccess, config.awsRegion),
    prices: wiring.prices,
    newJobs,
    seal,
    logger,
  });
  registerSlashCommand(bolt, '/finetune-status', jobsFlow, work, logger);
  registerJobButtons(bolt, jobsFlow, work, logger);
  registerJobViews(bolt, {
    flow: jobsFlow,
    newJobs,
    customCompare: new CustomModelCompare(jobAccess, catalog, jobsClient),
    compare: compareFlow,
    seal,
    work,
    logger,
  });
  return { flow: jobsFlow, access: jobAccess };
}

/** App Home: published on open and on change (usage booked, defaults saved, a thumb counted). */
function wireHome(
  wiring: Wiring,
  wired: CompareWired & { jobsClient: JobsClient; jobAccess: JobAccess },
): { changed: (teamId: string, userId: string) => void } {
  const { config, logger, store, work, bolt, catalog, guard, usage, prices, seal } = wiring;
  const publisher = new HomePublisher({
    client: bolt.client,
    catalog,
    store,
    logger,
    overviews: new HomeOverviews({
      usage,
      guard,
      dailyCapUsd: config.limits.dailySpendCapUsd,
      requests: new CompareRequests({
        preferences: store,
        channels: wiring.channels,
        defaultModels: config.compare.defaultModels,
        maxModels: config.compare.maxModels,
      }),
      preferences: store,
      defaultChatModel: config.chat.defaultModel,
      leaderboard: wired.leaderboard,
      watches: store,
      throughputs: () => wired.jobsClient.throughputs(),
      deployments: () => wired.jobsClient.deployments(),
      jobs: async () => (await wired.jobsClient.list({ maxResults: 100 })).jobs,
      prices,
      mayListJobs: (teamId, userId) => wired.jobAccess.mayList(teamId, userId),
      admins: config.adminUsers,
    }),
  });
  const flow = new HomeFlow({
    client: bolt.client,
    catalog,
    preferences: store,
    publisher,
    seal,
    maxModels: config.compare.maxModels,
  });
  registerHome(bolt, flow, seal, work, logger);
  registerChannelPicker(bolt, HOME_ACTIONS.channelSettings, wired.settings, logger);
  const changed = (teamId: string, userId: string) =>
    runDetached(work, logger, 'refreshing App Home', undefined, () => flow.changed(teamId, userId));
  return { changed };
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
