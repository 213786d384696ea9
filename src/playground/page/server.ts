import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { AppFeatures, Person } from '../person.js';
import { WORKSPACE, type Workspace, type WorkspaceChange } from '../workspace.js';
import { homeHtml, type Labels, messageHtml, modalHtml } from './render.js';

const ASSETS: Record<string, string> = {
  '/': 'page.html',
  '/assets/page.js': 'page.js',
  '/assets/page.css': 'page.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** What the page says about the Bedrock behind it, in its header. */
export interface BedrockLabel extends Labels {
  /** e.g. "Amazon Bedrock (us-east-1)", or "Simulated Bedrock". */
  text: string;
}

const sayRequest = z.object({
  channel: z.enum([WORKSPACE.channel.id, WORKSPACE.dm.id]),
  text: z.string().max(40_000),
  threadTs: z.string().optional(),
  fileIds: z.array(z.string()).default([]),
});
const clickRequest = z.object({
  messageKey: z.string().optional(),
  view: z.enum(['modal', 'home']).optional(),
  blockId: z.string(),
  actionId: z.string(),
  value: z.string().default(''),
  label: z.string().optional(),
  element: z.string().optional(),
});
const submitRequest = z.object({
  values: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))),
});

/**
 * The page: a Slack-like window on the workspace (served to 127.0.0.1 only), a live stream of
 * rendered changes (server-sent events), and the few calls the page makes for you.
 */
export class PageServer {
  private server?: http.Server;
  private readonly streams = new Set<http.ServerResponse>();
  private readonly uploads = new Map<string, ReturnType<Person['upload']>>();
  private stopFollowing?: () => void;
  private heartbeat?: NodeJS.Timeout;
  private port = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly person: Person,
    private readonly bedrock: BedrockLabel,
    private readonly features: AppFeatures,
  ) {}

  /** Listens on 127.0.0.1:`port`; rejects with the listen error (EADDRINUSE) as Node gives it. */
  async start(port: number): Promise<string> {
    const server = http.createServer((request, response) => {
      this.handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('The playground could not do that.');
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.stopFollowing = this.workspace.listen((change) => this.broadcast(change));
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(': still here\n\n');
    }, 15_000);
    this.heartbeat.unref();
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.stopFollowing?.();
    clearInterval(this.heartbeat);
    for (const stream of this.streams) stream.end();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    // Only this machine's browser, by name: a page elsewhere that rebinds a name to 127.0.0.1 is refused.
    const host = request.headers.host ?? '';
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) {
      response.writeHead(421, { 'content-type': 'text/plain' });
      response.end('Open the playground at its 127.0.0.1 address.');
      return;
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const asset = ASSETS[path];
    if (request.method === 'GET' && asset) {
      const body = await readFile(new URL(`./assets/${asset}`, import.meta.url));
      response.writeHead(200, { 'content-type': TYPES[asset.split('.').pop() ?? ''] ?? 'text/plain' });
      response.end(body);
      return;
    }
    if (request.method === 'GET' && path === '/stream') return this.openStream(response);
    if (request.method === 'POST' && path === '/api/upload') return this.upload(request, response);
    // JSON only: a form on another site cannot post here without a preflight this server never grants.
    if (
      request.method !== 'POST' ||
      !String(request.headers['content-type']).startsWith('application/json')
    ) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found');
      return;
    }
    const body: unknown = JSON.parse((await readBody(request)).toString('utf8') || '{}');
    const done = () => {
      response.writeHead(204);
      response.end();
    };
    switch (path) {
      case '/api/say': {
        const say = sayRequest.parse(body);
        const files = say.fileIds.flatMap((id) => this.uploads.get(id) ?? []);
        await this.person.say(say.channel, say.text, say.threadTs, files);
        return done();
      }
      case '/api/click': {
        const click = clickRequest.parse(body);
        const where = click.view ? { view: click.view } : { messageKey: click.messageKey ?? '' };
        await this.person.click(where, click);
        return done();
      }
      case '/api/submit':
        await this.person.submit(submitRequest.parse(body).values);
        return done();
      case '/api/close':
        this.workspace.closeModal();
        return done();
      case '/api/home':
        await this.person.openHome();
        return done();
      case '/api/assistant':
        await this.person.openAssistant();
        return done();
      default:
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('Not found');
    }
  }

  private async upload(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const name = decodeURIComponent(String(request.headers['x-file-name'] ?? ''));
    if (!name) {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end('x-file-name is missing');
      return;
    }
    const mimetype = String(request.headers['content-type'] ?? 'application/octet-stream');
    const file = this.person.upload(name, mimetype, await readBody(request));
    this.uploads.set(file.id, file);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(file));
  }

  private openStream(response: http.ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    this.streams.add(response);
    response.on('close', () => this.streams.delete(response));
    send(response, {
      type: 'hello',
      bedrock: this.bedrock.text,
      simulated: this.bedrock.simulated,
      homeTab: this.features.homeTab,
      assistantPanel: this.features.assistantPanel,
    });
    for (const message of this.workspace.messages.values())
      send(response, this.render({ kind: 'message', message }));
    if (this.workspace.home) send(response, this.render({ kind: 'home', view: this.workspace.home }));
    if (this.workspace.assistant)
      send(response, this.render({ kind: 'assistant', panel: this.workspace.assistant }));
    send(response, this.render({ kind: 'modal', view: this.workspace.modal.at(-1) }));
  }

  private broadcast(change: WorkspaceChange): void {
    const event = this.render(change);
    for (const stream of this.streams) send(stream, event);
  }

  private render(change: WorkspaceChange): Record<string, unknown> {
    switch (change.kind) {
      case 'message':
        return {
          type: 'message',
          key: change.message.key,
          channel: change.message.channel,
          thread: change.message.threadTs ?? null,
          html: messageHtml(change.message, this.bedrock),
        };
      case 'removed':
        return { type: 'removed', key: change.key };
      case 'modal':
        return { type: 'modal', html: change.view ? modalHtml(change.view) : null };
      case 'home':
        return { type: 'home', html: change.view ? homeHtml(change.view) : null };
      case 'notice':
        return { type: 'notice', text: change.text };
      case 'assistant':
        return { type: 'assistant', ...change.panel };
    }
  }
}

function send(stream: http.ServerResponse, event: Record<string, unknown>): void {
  stream.write(`data: ${JSON.stringify(event)}\n\n`);
}

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
