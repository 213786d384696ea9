import { ErrorCode, type WebClient, WebClientEvent } from '@slack/web-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { callWithJson } from '../../../src/slack/kit/json-call.js';
import { isUncertainFailure } from '../../../src/slack/kit/web-client-options.js';
import { startedLocalSlack, webClientFor } from '../../support/web-client.js';

const slack = startedLocalSlack();
let client: WebClient;
beforeEach(() => {
  client = webClientFor(slack);
});

const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Nova Micro* writing…' } }];
const updatesIn = (channel: string) =>
  slack.callsOf('chat.update').filter((call) => call.args.channel === channel);
const failureOf = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error as { code?: string; statusCode?: number; data?: { error?: string } },
  );

describe('a Web API call with a JSON body, sent by the app itself', () => {
  it('updates a message with its blocks as Slack reads them, and answers as Slack does', async () => {
    const answer = await callWithJson(client, 'chat.update', {
      channel: 'CJSON',
      ts: '1.000001',
      text: 'Compare',
      blocks,
    });

    expect(answer).toMatchObject({ ok: true, channel: 'CJSON', ts: '1.000001' });
    expect(updatesIn('CJSON').at(-1)?.args).toEqual({
      channel: 'CJSON',
      ts: '1.000001',
      text: 'Compare',
      blocks,
    });
  });

  it('waits out a 429 for Retry-After, tells the client’s rate_limited listeners, and sends it again', async () => {
    slack.rateLimitNext('chat.update', 1, 1, (args) => args.channel === 'C429');
    const heard: { retryAfter: number; channel: unknown }[] = [];
    const listener = (retryAfter: number, { body }: { body: Record<string, unknown> }) =>
      heard.push({ retryAfter, channel: body.channel });
    client.on(WebClientEvent.RATE_LIMITED, listener);
    const started = Date.now();

    const answer = await callWithJson(client, 'chat.update', {
      channel: 'C429',
      ts: '1.000002',
      text: 'Compare',
      blocks,
    });
    client.off(WebClientEvent.RATE_LIMITED, listener);

    expect(answer.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(heard).toEqual([{ retryAfter: 1, channel: 'C429' }]);
    expect(updatesIn('C429')).toHaveLength(2);
  });

  it('throws Slack’s refusal as the Web API client’s platform error: certain to have changed nothing', async () => {
    slack.failNext('chat.update', { error: 'message_not_found' });

    const failure = await failureOf(
      callWithJson(client, 'chat.update', { channel: 'CGONE', ts: '1.000003', text: 'x' }),
    );

    expect(failure).toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'message_not_found' } });
    expect(isUncertainFailure(failure)).toBe(false);
  });

  it('throws a 5xx once, as an HTTP error that may have taken effect', async () => {
    slack.failNext('chat.update', { status: 503 });

    const failure = await failureOf(
      callWithJson(client, 'chat.update', { channel: 'C503', ts: '1.000004', text: 'x' }),
    );

    expect(failure).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    expect(isUncertainFailure(failure)).toBe(true);
    expect(updatesIn('C503')).toHaveLength(1);
  });

  it('is refused by Slack without a token, which a JSON body may carry only as a bearer header', async () => {
    const tokenless = webClientFor(slack, null);

    const failure = await failureOf(
      callWithJson(tokenless, 'chat.update', { channel: 'CAUTH', ts: '1.000005', text: 'x' }),
    );

    expect(failure).toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'not_authed' } });
  });
});
