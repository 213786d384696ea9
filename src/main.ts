import { config as loadDotEnv } from 'dotenv';
import { createBedrockSlackApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger, redactSecrets } from './logger.js';

loadDotEnv({ quiet: true });

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    for (const problem of loaded.problem) process.stderr.write(`bedrock-slack: ${problem}\n`);
    process.exit(1);
  }
  const config = loaded.value;
  const logger = createLogger(config.logLevel);
  const app = await createBedrockSlackApp(config, logger);
  await app.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: app.work.size }, 'shutting down: finishing work in flight');
    void app.stop().then(
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
