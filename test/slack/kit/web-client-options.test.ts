import type { WebClient } from '@slack/web-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { startedLocalSlack, webClientFor } from '../../support/web-client.js';

const slack = startedLocalSlack();
let client: WebClient;
beforeEach(() => {
  client = webClientFor(slack);
});

describe('the Slack Web API client policy', () => {
  it('retries a post Slack refused with 429, after Retry-After', async () => {
    slack.rateLimitNext('chat.postMessage', 1);
    const started = Date.now();
    const answer = await client.chat.postMessage({ channel: 'C429', text: 'hello' });
    expect(answer.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.callsOf('chat.postMessage').filter((call) => call.args.channel === 'C429')).toHaveLength(2);
  });

  it('does not repeat a post that failed in a way Slack may still have taken', async () => {
    slack.failNext('chat.postMessage', { status: 503 });
    await expect(client.chat.postMessage({ channel: 'C503', text: 'hello' })).rejects.toThrow(/503/);
    expect(slack.callsOf('chat.postMessage').filter((call) => call.args.channel === 'C503')).toHaveLength(1);
  });
});
