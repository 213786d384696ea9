import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackFetch } from '../../../src/slack/kit/slack-fetch.js';

/** Answers as Slack's Web API does: a 429 with Retry-After for `chat.update`, JSON otherwise. */
const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    if (request.url?.endsWith('/chat.update')) {
      response.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' });
      response.end('{"ok":false,"error":"ratelimited"}');
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'x-oauth-scopes': 'chat:write',
    });
    response.end(JSON.stringify({ ok: true, received: body, auth: request.headers.authorization }));
  });
});
let api = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const form = (url: string) =>
  [
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-1' },
      body: 'channel=C1&text=hi',
      redirect: 'error',
    },
  ] as const;

describe('the Web API client’s fetch', () => {
  it('answers as Node’s fetch does: status, headers and body', async () => {
    for (const url of [`${api}/chat.postMessage`, `${api}/chat.update`]) {
      const [ours, node] = await Promise.all([slackFetch(...form(url)), fetch(...form(url))]);
      expect(ours.status).toBe(node.status);
      expect(ours.headers.get('retry-after')).toBe(node.headers.get('retry-after'));
      expect(ours.headers.get('x-oauth-scopes')).toBe(node.headers.get('x-oauth-scopes'));
      expect(ours.headers.get('content-type')).toBe(node.headers.get('content-type'));
      expect(await ours.json()).toEqual(await node.json());
    }
  });

  it('sends the form and the token as given', async () => {
    const answer = await slackFetch(...form(`${api}/chat.postMessage`));
    expect(await answer.json()).toMatchObject({ received: 'channel=C1&text=hi', auth: 'Bearer xoxb-1' });
  });

  it('gives up when the caller’s time runs out', async () => {
    const [url, init] = form(`${api}/chat.postMessage`);
    await expect(slackFetch(url, { ...init, signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
