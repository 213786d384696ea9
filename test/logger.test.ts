import { describe, expect, it } from 'vitest';
import { createLogger, slackLogger } from '../src/logger.js';
import { LogCapture } from './support/harness.js';

const BOT_TOKEN = 'xoxb-1111-2222-abcdefghijklmnop';
const APP_TOKEN = 'xapp-1-A111-222-abcdef0123456789';
const ACCESS_KEY = 'AKIAABCDEFGHIJKLMNOP';
const BEARER = 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl';

describe('log lines', () => {
  it('never carry a Slack token, an AWS key or a bearer value, wherever in the line it is', () => {
    const logs = new LogCapture();
    const logger = createLogger('debug', logs);
    logger.info(`calling Slack with ${BOT_TOKEN}`);
    logger.warn({ botToken: BOT_TOKEN, nested: { note: `app token ${APP_TOKEN}` } }, 'config');
    logger.error({ err: new Error(`AWS refused ${ACCESS_KEY}`) }, 'Bedrock call failed');
    logger.debug({ headers: { authorization: `Bearer ${BEARER}` } }, 'request');
    logger.info({ list: [`Authorization: Bearer ${BEARER}`] }, 'in a list');
    const written = logs.lines.join('\n');
    for (const secret of [BOT_TOKEN, APP_TOKEN, ACCESS_KEY, BEARER]) expect(written).not.toContain(secret);
    expect(logs.lines).toHaveLength(5);
    expect(written).toContain('calling Slack with [redacted]');
    expect(written).toContain('AWS refused [redacted]');
  });

  it('from Bolt and the Slack Web API client are redacted the same way', () => {
    const logs = new LogCapture();
    slackLogger(createLogger('debug', logs)).debug('http request body', { token: BOT_TOKEN, text: 'hi' });
    expect(logs.lines.join('\n')).not.toContain(BOT_TOKEN);
    expect(logs.lines.join('\n')).toContain('http request body');
  });
});
