import { randomBytes } from 'node:crypto';
import { type AppOverrides, type BedrockSlackApp, createBedrockSlackApp } from '../app.js';
import { loadConfig, type PlaygroundSettings } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { type BedrockChoice, chooseBedrock } from './bedrock-choice.js';
import type { BedrockSimulator } from './bedrock-simulator.js';
import { LocalSlack } from './local-slack.js';
import { type BedrockLabel, PageServer } from './page/server.js';
import { manifestFeatures, Person } from './person.js';
import { type SimulatedBedrock, startSimulatedBedrock } from './simulated-bedrock.js';
import { SlackSender } from './slack-requests.js';
import { WORKSPACE, Workspace } from './workspace.js';

export interface PlaygroundOptions {
  /** The environment the app is configured from (process.env), less the Slack variables it lacks. */
  env: Record<string, string | undefined>;
  settings: PlaygroundSettings;
  logger?: Logger;
  /** Simulated ms per real ms on the simulated job clock (specs speed it up). */
  jobClockSpeed?: number;
  appOverrides?: AppOverrides;
}

export interface Playground {
  url: string;
  bedrock: BedrockChoice;
  label: BedrockLabel;
  app: BedrockSlackApp;
  slack: LocalSlack;
  /** Present when the simulator stands in for Bedrock. */
  simulator?: BedrockSimulator;
  stop(): Promise<void>;
}

/** How much of the local Slack's call log is kept: the page follows calls live and needs no history. */
const KEPT_CALLS = 200;

/**
 * The local playground: the real app (same listeners, services and store) in HTTP mode on
 * 127.0.0.1, against the local Slack and either real Bedrock or the simulator, with a Slack-like
 * page in front of it.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { settings } = options;
  const bedrock = await chooseBedrock(settings.awsRegion, settings.bedrock);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    let simulated: SimulatedBedrock | undefined;
    if (bedrock.kind === 'simulated') {
      simulated = await startSimulatedBedrock({ jobClockSpeed: options.jobClockSpeed });
      stops.push(() => simulated!.stop());
      // The AWS SDK reads its endpoint overrides and credentials from the process environment.
      Object.assign(process.env, simulated.simulator.env());
    }
    const features = manifestFeatures();
    const slack = new LocalSlack();
    slack.botToken = `xoxb-playground-${randomBytes(12).toString('hex')}`;
    slack.homeTabEnabled = features.homeTab;
    slack.users.set(WORKSPACE.person.id, WORKSPACE.person.name);
    await slack.start();
    stops.push(() => slack.stop());
    const signingSecret = randomBytes(24).toString('hex');
    const loaded = loadConfig({
      ...options.env,
      ...simulated?.simulator.env(),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      AWS_REGION: bedrock.kind === 'aws' ? bedrock.region : simulated?.simulator.env().AWS_REGION,
      // Watched jobs are checked every 10 s here, so a change shows soon after it happens.
      FINETUNE_POLL_SECONDS: options.env.FINETUNE_POLL_SECONDS || '10',
    });
    if (!loaded.ok) throw new Error(loaded.problem.join('; '));
    const logger = options.logger ?? createLogger(options.env.LOG_LEVEL || 'warn');
    const app = await createBedrockSlackApp(loaded.value, logger, {
      listenHost: '127.0.0.1',
      ...options.appOverrides,
    });
    const appPort = await app.start();
    stops.push(() => app.stop());

    const workspace = new Workspace(() => slack.newTs());
    const unfollow = slack.observe((traffic) => {
      workspace.follow(traffic);
      for (const log of [slack.calls, slack.responses, slack.pings])
        if (log.length > 2 * KEPT_CALLS) log.splice(0, log.length - KEPT_CALLS);
    });
    stops.push(async () => unfollow());
    const sender = new SlackSender(`http://127.0.0.1:${appPort}`, signingSecret, (id) =>
      slack.responseUrl(id),
    );
    const person = new Person(slack, sender, workspace, features);
    const label: BedrockLabel =
      bedrock.kind === 'aws'
        ? { text: `Amazon Bedrock (${bedrock.region})`, simulated: false }
        : { text: `Simulated Bedrock (${bedrock.reason})`, simulated: true };
    const page = new PageServer(workspace, person, label, features);
    const url = await page.start(settings.port).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE'
        ? new Error(
            `port ${settings.port} on 127.0.0.1 is in use (is a playground already running?): stop what uses it, or choose another, e.g. PORT=${settings.port + 1} npm start`,
          )
        : error;
    });
    stops.push(() => page.stop());
    return { url, bedrock, label, app, slack, simulator: simulated?.simulator, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
