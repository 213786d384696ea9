import { config as loadDotEnv } from 'dotenv';
import { createBedrockSlackApp } from './app.js';
import { loadConfig, loadPlaygroundSettings, playgroundWanted } from './config.js';
import { createLogger, type Logger, redactSecrets } from './logger.js';

loadDotEnv({ quiet: true });

async function main(): Promise<void> {
  if (playgroundWanted(process.env)) return startLocalPlayground();
  const loaded = loadConfig(process.env);
  if (!loaded.ok) stopWith(loaded.problem);
  const config = loaded.value;
  const logger = createLogger(config.logLevel);
  const app = await createBedrockSlackApp(config, logger);
  await app.start();
  stopOnSignals(
    logger,
    () => app.stop(),
    () => app.work.size,
  );
}

/** No Slack variables, not in production: the real app behind a Slack-like page on 127.0.0.1. */
async function startLocalPlayground(): Promise<void> {
  const settings = loadPlaygroundSettings(process.env);
  if (!settings.ok) stopWith(settings.problem);
  const { startPlayground } = await import('./playground/start.js');
  const logger = createLogger(process.env.LOG_LEVEL || 'warn');
  const playground = await startPlayground({ env: process.env, settings: settings.value, logger });
  if (playground.bedrock.kind === 'simulated' && playground.bedrock.warning)
    process.stderr.write(`bedrock-slack: ${playground.bedrock.warning}\n`);
  process.stdout.write(
    `bedrock-slack: local playground at ${playground.url} (no Slack variables set; ${playground.label.text}); Ctrl+C stops it\n`,
  );
  stopOnSignals(
    logger,
    () => playground.stop(),
    () => playground.app.work.size,
  );
}

function stopWith(problems: string[]): never {
  for (const problem of problems) process.stderr.write(`bedrock-slack: ${problem}\n`);
  process.exit(1);
}

/** SIGTERM or SIGINT: stop taking requests, let the work in flight finish, then exit. */
function stopOnSignals(logger: Logger, stop: () => Promise<void>, inFlight: () => number): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: inFlight() }, 'shutting down: finishing work in flight');
    void stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled promise rejection'));
}

void main().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bedrock-slack: could not start: ${redactSecrets(reason)}\n`);
  process.exit(1);
});
