import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll } from 'vitest';
import { createLogger, slackLogger } from '../../src/logger.js';
import { LocalSlack } from '../../src/playground/local-slack.js';
import { webClientOptions } from '../../src/slack/kit/web-client-options.js';

/** A LocalSlack, started before the file's specs and stopped after them. */
export function startedLocalSlack(): LocalSlack {
  const slack = new LocalSlack();
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());
  return slack;
}

/** A Web API client set up as the app sets its own up, calling `slack`, silent; `null`: without a token. */
export const webClientFor = (slack: LocalSlack, token: string | null = 'xoxb-test') =>
  new WebClient(token ?? undefined, webClientOptions(slack.apiUrl, slackLogger(createLogger('silent'))));
