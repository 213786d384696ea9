import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackRateLimits } from '../config.js';
import { burstOf } from '../slack/kit/slack-budget.js';

/** All text of a message as one string, without the zero-width spaces mrkdwn conversion adds. */
export function visibleText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []).replace(/\u200b/g, '');
}

/**
 * Slack's Web API on loopback (SLACK_API_URL points here). It records every call, answers in Slack's
 * shapes, can answer 429 with Retry-After or fail on demand, rejects messages Slack would reject
 * (`invalid_blocks`, `msg_blocks_too_long`, `msg_too_long`), and receives `response_url` posts.
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** What the fake answered, when it answered 200. */
  response?: Record<string, unknown>;
  at: number;
  /** Refused with 429 because it went past Slack's limit (not because a test asked for a 429). */
  overLimit?: true;
}

type Block = Record<string, unknown> & { type?: string };

/** An answer queued for the next matching call of a method, instead of the usual one. */
interface QueuedAnswer {
  status: number;
  retryAfter?: number;
  error?: string;
  /** Slack does the work before failing (a 5xx after the message was posted). */
  landed?: boolean;
  only?: (args: Record<string, unknown>) => boolean;
}

const textOf = (value: unknown): string =>
  value && typeof value === 'object' && 'text' in value
    ? String((value as { text: unknown }).text ?? '')
    : '';

/** Slack's Block Kit limits as Slack enforces them; returns Slack's error code, or undefined. */
export function blockKitError(
  args: Record<string, unknown>,
  surface: 'message' | 'modal' | 'home' = 'message',
): string | undefined {
  const text = typeof args.text === 'string' ? args.text : '';
  if (text.length > 40_000) return 'msg_too_long';
  const blocks = args.blocks as Block[] | undefined;
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  // Messages hold 50 blocks; modals and Home tabs 100.
  if (blocks.length > (surface === 'message' ? 50 : 100)) return 'invalid_blocks';
  let total = 0;
  const buttonOk = (element: Record<string, unknown>) =>
    textOf(element).length <= 75 &&
    String(element.action_id ?? '').length <= 255 &&
    String(element.value ?? '').length <= 2000;
  const actionIds = new Set<string>();
  let tables = 0;
  for (const block of blocks) {
    switch (block.type) {
      case 'section': {
        const body = textOf(block.text);
        if (body.length === 0 && !block.fields) return 'invalid_blocks';
        if (body.length > 3000) return 'invalid_blocks';
        total += body.length;
        const accessory = block.accessory as Record<string, unknown> | undefined;
        if (accessory?.type === 'button' && !buttonOk(accessory)) return 'invalid_blocks';
        break;
      }
      case 'header': {
        const body = textOf(block.text);
        if (body.length === 0 || body.length > 150) return 'invalid_blocks';
        total += body.length;
        break;
      }
      case 'context': {
        const elements = (block.elements as Record<string, unknown>[]) ?? [];
        if (elements.length === 0 || elements.length > 10) return 'invalid_blocks';
        for (const element of elements) {
          const body = String(element.text ?? '');
          if (element.type !== 'image' && (body.length === 0 || body.length > 3000)) return 'invalid_blocks';
          total += body.length;
        }
        break;
      }
      case 'actions': {
        const elements = (block.elements as Record<string, unknown>[]) ?? [];
        if (elements.length === 0 || elements.length > 25) return 'invalid_blocks';
        for (const element of elements) {
          if (element.type === 'button' && !buttonOk(element)) return 'invalid_blocks';
          const id = String(element.action_id ?? '');
          if (id && actionIds.has(id)) return 'invalid_blocks';
          actionIds.add(id);
        }
        break;
      }
      case 'context_actions': {
        // Feedback buttons and icon buttons under a message's content: 1–5 elements, messages only.
        if (surface !== 'message') return 'invalid_blocks';
        const elements = (block.elements as Record<string, unknown>[]) ?? [];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 5) return 'invalid_blocks';
        for (const element of elements) {
          if (String(element.action_id ?? '').length > 255) return 'invalid_blocks';
          if (element.type === 'feedback_buttons') {
            for (const side of ['positive_button', 'negative_button']) {
              const half = element[side] as Record<string, unknown> | undefined;
              const label = half?.text as Record<string, unknown> | undefined;
              if (!half || label?.type !== 'plain_text') return 'invalid_blocks';
              const body = String(label.text ?? '');
              if (body.length === 0 || body.length > 75) return 'invalid_blocks';
              if (typeof half.value !== 'string' || half.value.length === 0 || half.value.length > 2000)
                return 'invalid_blocks';
              if (String(half.accessibility_label ?? '').length > 75) return 'invalid_blocks';
            }
          } else if (element.type === 'icon_button') {
            if (!element.icon || textOf(element.text).length === 0) return 'invalid_blocks';
          } else return 'invalid_blocks';
        }
        break;
      }
      case 'markdown': {
        const body = String(block.text ?? '');
        if (body.length > 12_000) return 'invalid_blocks';
        total += body.length;
        break;
      }
      case 'table': {
        // Slack's table block: 1–100 rows of 1–20 cells (raw_text with text, or rich_text), at most
        // 20 column settings, and one table per message (else `invalid_attachments`,
        // only_one_table_allowed).
        if (surface !== 'message') return 'invalid_blocks';
        tables += 1;
        if (tables > 1) return 'invalid_attachments';
        const rows = block.rows as unknown[] | undefined;
        if (!Array.isArray(rows) || rows.length === 0 || rows.length > 100) return 'invalid_blocks';
        for (const row of rows) {
          if (!Array.isArray(row) || row.length === 0 || row.length > 20) return 'invalid_blocks';
          for (const cell of row as Record<string, unknown>[]) {
            if (cell?.type === 'raw_text') {
              if (typeof cell.text !== 'string' || cell.text.length === 0) return 'invalid_blocks';
              total += cell.text.length;
            } else if (cell?.type !== 'rich_text' || !Array.isArray(cell.elements)) return 'invalid_blocks';
          }
        }
        const settings = block.column_settings as Record<string, unknown>[] | undefined;
        if (settings !== undefined) {
          if (!Array.isArray(settings) || settings.length > 20) return 'invalid_blocks';
          for (const setting of settings) {
            if (setting.align !== undefined && !['left', 'center', 'right'].includes(String(setting.align)))
              return 'invalid_blocks';
          }
        }
        break;
      }
      case 'divider':
      case 'input':
      case 'image':
      case 'rich_text':
        break;
      default:
        return 'invalid_blocks';
    }
  }
  if (total > 13_200) return 'msg_blocks_too_long';
  return undefined;
}

// What Slack notifies people for: `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^S…>`, `<@U…>`.
const MENTION = /<(!(?:channel|here|everyone)|!subteam\^[A-Z0-9]+|@[UW][A-Z0-9]+)(?:\|[^>]*)?>/gi;

/** A mention in a message the app sent, that Slack would turn into a notification. */
export interface Ping {
  /** The Web API method, or `response_url`. */
  method: string;
  channel: string;
  /** The mention in its canonical form, e.g. `<!channel>`, `<@U0001>`. */
  mention: string;
}

/**
 * The mentions Slack would notify for in a message: in its top-level `text`, in every mrkdwn text
 * object (sections, fields, context, table cells), in `markdown` blocks, and rich text's user,
 * user-group and broadcast elements. Plain text and raw text are never parsed for mentions.
 */
export function mentionsIn(sent: object): string[] {
  const message = sent as Record<string, unknown>;
  const found: string[] = [];
  const scan = (text: unknown) => {
    if (typeof text !== 'string') return;
    for (const match of text.matchAll(MENTION)) found.push(`<${match[1]}>`);
  };
  scan(message.text);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'mrkdwn' || record.type === 'markdown') scan(record.text);
    if (record.type === 'user') found.push(`<@${String(record.user_id)}>`);
    if (record.type === 'usergroup') found.push(`<!subteam^${String(record.usergroup_id)}>`);
    if (record.type === 'broadcast') found.push(`<!${String(record.range)}>`);
    for (const [key, value] of Object.entries(record))
      if (key !== 'text' || typeof value !== 'string') visit(value);
  };
  visit(message.blocks);
  visit(message.attachments);
  return found;
}

/** What the playground's page follows: every answered Web API call, and every response_url post. */
export type SlackTraffic =
  | { kind: 'call'; call: RecordedCall }
  | { kind: 'response'; responseId: string; body: Record<string, unknown> };

/** A message as conversations.replies returns it. */
export interface StoredMessage {
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** A file the app uploads (files.uploadV2): reserved, its bytes sent, then shared (or not yet). */
export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  bytes?: Buffer;
  title?: string;
  /** Where files.completeUploadExternal shared it; unset until it is completed. */
  channel?: string;
  threadTs?: string;
  initialComment?: string;
}

export class LocalSlack {
  readonly calls: RecordedCall[] = [];
  /** Every upload the app began with files.getUploadURLExternal, by file ID. */
  readonly uploads = new Map<string, UploadedFile>();
  /** Every notification the app's messages would have caused, accepted or not. */
  readonly pings: Ping[] = [];
  /** Every message in every channel: what people said (seeded by tests) and what the bot posted. */
  readonly messages = new Map<string, StoredMessage[]>();
  /** Display names users.info answers with. */
  readonly users = new Map<string, string>();
  /** Members of each channel the bot can see, for conversations.members; others are `channel_not_found`. */
  readonly channelMembers = new Map<string, string[]>();
  /** Members of each user group, for usergroups.users.list. */
  readonly userGroups = new Map<string, string[]>();
  /** Each person's Home tab as last published (views.publish). */
  readonly homes = new Map<string, Record<string, unknown>>();
  /** The app's Home tab (the manifest's `home_tab_enabled`); off, views.publish answers `not_enabled`. */
  homeTabEnabled = true;
  /** Slack's one-call-a-minute limit on conversations.replies; tests of many recoveries lift it. */
  limitReplies = true;
  /**
   * Slack's limits on the calls a streaming message makes: chat.update per workspace (Tier 3),
   * chat.postMessage per channel, chat.startStream and chat.stopStream per workspace (Tier 2, each
   * its own) and chat.appendStream per workspace (Tier 4). Past them Slack answers 429 with
   * Retry-After, and so does this. A bench that raises the app's limits (SLACK_UPDATES_PER_MINUTE…)
   * raises these to match.
   */
  rateLimits: SlackRateLimits = {
    updatesPerMinute: 50,
    postsPerChannelPerMinute: 60,
    streamsPerMinute: 20,
    streamAppendsPerMinute: 100,
  };
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** The bot token files must be fetched with; anything else gets Slack's sign-in page. */
  botToken = '';
  private readonly files = new Map<string, { mimetype: string; bytes: Buffer }>();
  private lastRepliesAt = Number.NEGATIVE_INFINITY;
  readonly responses: { path: string; body: Record<string, unknown>; at: number }[] = [];
  /** Channels the bot is not a member of: posting there answers `not_in_channel`. */
  readonly channelsWithoutBot = new Set<string>();
  /**
   * The bot token's scopes, as installed from manifest.yml; a method whose scope is missing answers
   * `missing_scope` with `needed` and `provided`, as Slack does.
   */
  readonly scopes = new Set(MANIFEST_BOT_SCOPES);
  /** Channels where Slack refuses to stream (a Slack Connect channel, a client too old): `channel_type_not_supported`. */
  readonly streamingUnsupported = new Set<string>();
  /** Channels where the person stops every stream the moment it shows (see `stopStreamAsPerson`). */
  readonly streamsStoppedOnSight = new Set<string>();
  /** How long a stream stays open: Slack closes one about five minutes after it started. */
  streamLifetimeMs = 5 * 60_000;
  /**
   * Messages being streamed, by `channel ts`, with when their stream started and whether the person
   * it is shown to stopped it; gone once the app stops it.
   */
  private readonly streams = new Map<string, { startedAt: number; stoppedByUser?: boolean }>();
  /**
   * What the assistant panel shows for each thread (`channel thread_ts`): its status (until the bot
   * replies there), its title, and its suggested prompts; a playground renders these.
   */
  private readonly panels = new Map<string, AssistantThreadView>();
  private readonly queued = new Map<string, QueuedAnswer[]>();
  private readonly down = new Map<string, number>();
  private server?: http.Server;
  private readonly observers = new Set<(traffic: SlackTraffic) => void>();
  private nextTs = 1_700_000_000_000_100;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  /** The next call(s) of `method` (those whose arguments `only` accepts, when given) answer 429 with Retry-After. */
  rateLimitNext(
    method: string,
    retryAfterSeconds: number,
    times = 1,
    only?: (args: Record<string, unknown>) => boolean,
  ): void {
    this.queue(method, { status: 429, retryAfter: retryAfterSeconds, only }, times);
  }

  /**
   * The next call(s) of `method` fail with an HTTP status, or with `{ok: false, error}` when given.
   * With `landed`, Slack does the work before failing (a 5xx "it's possible some aspect of the
   * operation succeeded"), so a message is posted although the caller sees the failure.
   */
  failNext(method: string, failure: { status?: number; error?: string; landed?: boolean }, times = 1): void {
    this.queue(
      method,
      { status: failure.status ?? 200, error: failure.error, landed: failure.landed },
      times,
    );
  }

  /** Every call of `method` answers `status` until `recover`: Slack down for a while. */
  outage(method: string, status = 500): void {
    this.down.set(method, status);
  }

  recover(method: string): void {
    this.down.delete(method);
  }

  private queue(method: string, entry: QueuedAnswer, times: number) {
    const list = this.queued.get(method) ?? [];
    for (let index = 0; index < times; index++) list.push(entry);
    this.queued.set(method, list);
  }

  /** Follows the traffic as it is answered; returns the function that stops following. */
  observe(observer: (traffic: SlackTraffic) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** A new message timestamp, in the same sequence as the bot's, for a message a person posts. */
  newTs(): string {
    return (this.nextTs++ / 1e6).toFixed(6);
  }

  /** A message a person posted, as Slack would hold it (tests send the matching event themselves). */
  seedMessage(channel: string, message: StoredMessage): void {
    const list = this.messages.get(channel) ?? [];
    list.push(message);
    this.messages.set(channel, list);
  }

  /** A file as Slack hosts it; returns the file object an event's `files` carries. */
  addFile(name: string, mimetype: string, bytes: Buffer) {
    const id = `F${this.files.size + 1}`;
    this.files.set(id, { mimetype, bytes });
    const url = `${this.url}/files-pri/T0001-${id}/${encodeURIComponent(name)}`;
    return { id, name, mimetype, size: bytes.length, url_private: url, url_private_download: url };
  }

  /** The messages of one thread, parent first, as the channel holds them now. */
  thread(channel: string, threadTs: string): StoredMessage[] {
    return (this.messages.get(channel) ?? [])
      .filter((message) => message.ts === threadTs || message.thread_ts === threadTs)
      .sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  /** Slack ends a stream on its own (its five minutes are up): later appends and stops are refused. */
  endStream(channel: string, ts: string): void {
    this.streams.delete(`${channel} ${ts}`);
  }

  /**
   * The person a stream is shown to stops it (Slack's stop button on a streaming message): it keeps
   * what it shows, and Slack refuses further appends, and the app's stop, with `stopped_by_user`.
   */
  stopStreamAsPerson(channel: string, ts: string): void {
    const stream = this.streams.get(`${channel} ${ts}`);
    if (stream) stream.stoppedByUser = true;
  }

  /** The status the assistant shows in a thread now ("is thinking…"), or undefined. */
  statusOf(channel: string, threadTs: string): string | undefined {
    return this.panels.get(`${channel} ${threadTs}`)?.status;
  }

  /** The assistant panel's view of a thread: status, title and suggested prompts, as last set. */
  assistantThread(channel: string, threadTs: string): AssistantThreadView {
    return { ...this.panels.get(`${channel} ${threadTs}`) };
  }

  private updatePanel(channel: string, threadTs: string, change: AssistantThreadView): void {
    const key = `${channel} ${threadTs}`;
    this.panels.set(key, { ...this.panels.get(key), ...change });
  }

  /** The text a message shows now (a streamed one as far as it has streamed). */
  textOf(channel: string, ts: string): string | undefined {
    return this.messages.get(channel)?.find((message) => message.ts === ts)?.text;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** The calls of `method` made in `channel`. */
  callsIn(channel: string, method: string): RecordedCall[] {
    return this.callsOf(method).filter((call) => call.args.channel === channel);
  }

  /** The first `chat.update` in `channel` that shows `marker`, once it has come. */
  updateShowing(channel: string, marker: string): Promise<RecordedCall> {
    return this.waitFor(() =>
      this.callsOf('chat.update').find(
        (call) => call.args.channel === channel && visibleText(call.args.blocks).includes(marker),
      ),
    );
  }

  /** What the app posted to the response_url `responseId` (of `type`, when given), once it has come. */
  responseTo(
    responseId: string,
    type?: 'ephemeral' | 'in_channel',
  ): Promise<LocalSlack['responses'][number]> {
    return this.waitFor(() =>
      this.responses.find(
        (response) =>
          response.path.endsWith(`/${responseId}`) && (!type || response.body.response_type === type),
      ),
    );
  }

  async waitFor<T>(
    find: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await find();
      if (found) return found;
      if (Date.now() > deadline) throw new Error('timed out waiting for a Slack call');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const path = request.url ?? '/';
    if (path.startsWith('/response/')) {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      this.recordPings('response_url', path, body);
      this.responses.push({ path, body, at: performance.now() });
      json(200, { ok: true });
      const responseId = path.slice('/response/'.length);
      for (const observer of this.observers) observer({ kind: 'response', responseId, body });
      return;
    }
    if (path.startsWith('/upload/v1/')) {
      // Slack's upload URL takes the bytes raw or as multipart form data, and answers in plain text.
      const upload = this.uploads.get(path.split('/')[3] ?? '');
      if (!upload) {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('Not Found');
        return;
      }
      upload.bytes = uploadedBytes(bytes, String(request.headers['content-type'] ?? ''));
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`OK - ${upload.bytes.length}`);
      return;
    }
    if (path.startsWith('/files-pri/')) {
      const file = this.files.get(path.split('/')[2]?.split('-')[1] ?? '');
      if (!file) return json(404, { ok: false, error: 'file_not_found' });
      if (request.headers.authorization !== `Bearer ${this.botToken}`) {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>Sign in to Slack</html>');
        return;
      }
      response.writeHead(200, { 'content-type': file.mimetype });
      response.end(file.bytes);
      return;
    }
    const method = path.replace(/^\/api\//, '').split('?')[0] ?? '';
    const contentType = String(request.headers['content-type'] ?? '');
    // Slack reads a JSON body's token only from the Authorization header, never from the body.
    if (contentType.includes('application/json') && !/^Bearer \S/.test(request.headers.authorization ?? '')) {
      return json(200, { ok: false, error: 'not_authed' });
    }
    const args = parseArgs(raw, contentType);
    const call: RecordedCall = { method, args, at: performance.now() };
    this.calls.push(call);
    if (method.startsWith('chat.'))
      this.recordPings(method, String(args.channel ?? ''), {
        ...args,
        text: streamedText(args) ?? args.text,
      });
    const outage = this.down.get(method);
    if (outage) return json(outage, { ok: false, error: 'internal_error' });
    const waiting = this.queued.get(method) ?? [];
    const index = waiting.findIndex((entry) => !entry.only || entry.only(args));
    const queued = index < 0 ? undefined : waiting.splice(index, 1)[0];
    if (queued?.landed) this.answer(method, args);
    if (queued?.status === 429)
      return json(
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(queued.retryAfter ?? 1) },
      );
    if (queued && queued.status !== 200) return json(queued.status, { ok: false, error: 'internal_error' });
    if (queued?.error) {
      call.response = { ok: false, error: queued.error };
      json(200, call.response);
      for (const observer of this.observers) observer({ kind: 'call', call });
      return;
    }
    const retryAfter = this.overLimit(method, args);
    if (retryAfter !== undefined) {
      call.overLimit = true;
      return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    }
    if (method === 'conversations.replies' && this.limitReplies) {
      // Slack's limit for new apps distributed outside the Marketplace: one call a minute.
      if (performance.now() - this.lastRepliesAt < 60_000)
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '60' });
      this.lastRepliesAt = performance.now();
    }
    const needed = SCOPES_NEEDED[method];
    if (needed && !needed.some((scope) => this.scopes.has(scope))) {
      call.response = {
        ok: false,
        error: 'missing_scope',
        needed: needed.join(','),
        provided: [...this.scopes].join(','),
      };
      return json(200, call.response);
    }
    call.response = this.answer(method, args);
    json(200, call.response);
    for (const observer of this.observers) observer({ kind: 'call', call });
  }

  /**
   * Seconds to wait when this call goes past its limit, else undefined. Slack tolerates short
   * bursts: a bucket holds the burst the app itself allows (slack-budget.ts) and two calls more.
   */
  private overLimit(method: string, args: Record<string, unknown>): number | undefined {
    const perMinute = this.perMinute(method);
    if (perMinute === undefined) return undefined;
    const key = method === 'chat.postMessage' ? `${method}:${String(args.channel ?? '')}` : method;
    const capacity = burstOf(perMinute) + 2;
    const perMs = perMinute / 60_000;
    const now = performance.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }

  /** Slack's limit on `method` (per workspace, or per channel for posts), when it has one the bench models. */
  private perMinute(method: string): number | undefined {
    const limits = this.rateLimits;
    switch (method) {
      case 'chat.update':
        return limits.updatesPerMinute;
      case 'chat.postMessage':
        return limits.postsPerChannelPerMinute;
      case 'chat.startStream':
      case 'chat.stopStream':
        return limits.streamsPerMinute;
      case 'chat.appendStream':
        return limits.streamAppendsPerMinute;
      default:
        return undefined;
    }
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? '');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://example.slack.com/',
          team: 'Example',
          user: 'bedrock',
          team_id: 'T0001',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'chat.postMessage':
      case 'chat.update':
      case 'chat.postEphemeral': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (this.channelsWithoutBot.has(channel)) return { ok: false, error: 'not_in_channel' };
        if (!args.text && !args.blocks && !args.markdown_text) return { ok: false, error: 'no_text' };
        const invalid = blockKitError(args);
        if (invalid) return { ok: false, error: invalid };
        if (method === 'chat.postEphemeral') return { ok: true, message_ts: String(this.nextTs++ / 1e6) };
        const ts = method === 'chat.update' ? String(args.ts) : this.newTs();
        this.remember(channel, ts, args);
        return { ok: true, channel, ts, message: { text: args.text, blocks: args.blocks, ts } };
      }
      case 'chat.startStream':
      case 'chat.appendStream':
      case 'chat.stopStream':
        return this.answerStream(method, channel, args);
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setSuggestedPrompts':
      case 'assistant.threads.setTitle':
        return this.answerAssistant(method, args);
      case 'views.publish':
        return this.publishHome(args);
      case 'views.open':
      case 'views.update':
      case 'views.push': {
        const view = args.view as Record<string, unknown> | undefined;
        const invalid = view ? blockKitError(view, 'modal') : 'invalid_arguments';
        if (invalid) return { ok: false, error: invalid };
        return { ok: true, view: { id: `V${this.calls.length}`, ...view } };
      }
      case 'conversations.members': {
        // Paged as Slack pages it: `limit` (default 100) members a page, the next page's cursor in
        // response_metadata (empty on the last page).
        const members = this.channelMembers.get(channel);
        if (!members) return { ok: false, error: 'channel_not_found' };
        const limit = Number(args.limit ?? 100);
        const start = Number(args.cursor ?? 0) || 0;
        const end = start + limit;
        return {
          ok: true,
          members: members.slice(start, end),
          response_metadata: { next_cursor: end < members.length ? String(end) : '' },
        };
      }
      case 'files.getUploadURLExternal': {
        // Slack's reference: filename and length are required; the answer names where to send the bytes.
        const length = Number(args.length);
        if (!args.filename || !Number.isInteger(length) || length <= 0)
          return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(this.uploads.size + 1).padStart(8, '0')}`;
        this.uploads.set(id, { id, filename: String(args.filename), length });
        return { ok: true, upload_url: `${this.url}/upload/v1/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(args.files) ? args.files : []) as { id?: string; title?: string }[];
        if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
        const found = files.map((file) => this.uploads.get(String(file.id)));
        // A reserved file whose bytes never arrived cannot be completed.
        if (found.some((upload) => !upload?.bytes)) return { ok: false, error: 'file_not_found' };
        const target = args.channel_id === undefined ? undefined : String(args.channel_id);
        if (target && this.channelsWithoutBot.has(target)) return { ok: false, error: 'not_in_channel' };
        for (const [index, upload] of found.entries()) {
          if (!upload) continue;
          Object.assign(upload, {
            title: files[index]?.title ?? upload.filename,
            channel: target,
            threadTs: args.thread_ts === undefined ? undefined : String(args.thread_ts),
            initialComment: args.initial_comment === undefined ? undefined : String(args.initial_comment),
          });
        }
        return { ok: true, files: found.map((upload) => ({ id: upload?.id, title: upload?.title })) };
      }
      case 'usergroups.users.list': {
        const users = this.userGroups.get(String(args.usergroup));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'users.info': {
        const name = this.users.get(String(args.user));
        if (!name) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: { id: args.user, name: name.toLowerCase(), real_name: name, profile: { display_name: name } },
        };
      }
      case 'conversations.replies':
      case 'conversations.history': {
        // Replies come oldest first from the thread's start (or after `oldest`), history newest first.
        const limit = Number(args.limit ?? 1000);
        const oldest = Number(args.oldest ?? 0);
        const all = (
          method === 'conversations.replies'
            ? this.thread(channel, String(args.ts))
            : (this.messages.get(channel) ?? [])
                .filter((message) => !message.thread_ts || message.thread_ts === message.ts)
                .sort((a, b) => Number(b.ts) - Number(a.ts))
        ).filter((message) => Number(message.ts) > oldest);
        const withMetadata = String(args.include_all_metadata) === 'true';
        return {
          ok: true,
          messages: all
            .slice(0, limit)
            .map(({ metadata, ...message }) => (withMetadata ? { ...message, metadata } : message)),
          has_more: all.length > limit,
        };
      }
      default:
        return { ok: true };
    }
  }

  /**
   * chat.startStream / appendStream / stopStream as Slack's reference describes them: a stream is a
   * reply in a thread, for one recipient outside DMs, `markdown_text` (or `markdown_text` chunks) of at
   * most 12,000 characters a call, open until stopped or about five minutes old.
   */
  private answerStream(
    method: string,
    channel: string,
    args: Record<string, unknown>,
  ): Record<string, unknown> {
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (this.channelsWithoutBot.has(channel)) return { ok: false, error: 'not_in_channel' };
    const text = streamedText(args);
    if (text !== undefined && text.length > 12_000) return { ok: false, error: 'msg_too_long' };
    if (method === 'chat.startStream') {
      if (typeof args.thread_ts !== 'string' || !args.thread_ts)
        return { ok: false, error: 'invalid_arguments' };
      if (this.streamingUnsupported.has(channel)) return { ok: false, error: 'channel_type_not_supported' };
      // Outside a DM the stream is shown to one person, who must be named.
      if (!channel.startsWith('D')) {
        if (!args.recipient_team_id) return { ok: false, error: 'missing_recipient_team_id' };
        if (!args.recipient_user_id) return { ok: false, error: 'missing_recipient_user_id' };
      }
      const ts = (this.nextTs++ / 1e6).toFixed(6);
      this.streams.set(`${channel} ${ts}`, {
        startedAt: performance.now(),
        stoppedByUser: this.streamsStoppedOnSight.has(channel),
      });
      this.remember(channel, ts, { thread_ts: args.thread_ts, text: text ?? '' });
      return { ok: true, channel, ts };
    }
    const ts = String(args.ts ?? '');
    const message = this.messages.get(channel)?.find((candidate) => candidate.ts === ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    const stream = this.streams.get(`${channel} ${ts}`);
    if (!stream || performance.now() - stream.startedAt > this.streamLifetimeMs) {
      return { ok: false, error: 'message_not_in_streaming_state' };
    }
    if (stream.stoppedByUser) return { ok: false, error: 'stopped_by_user' };
    if (method === 'chat.appendStream') {
      if (!text) return { ok: false, error: 'no_text' };
      message.text += text;
      return { ok: true, channel, ts };
    }
    // stopStream: its blocks come after the streamed text, with a limit of 50 of their own.
    const invalid = blockKitError({ blocks: args.blocks });
    if (invalid) return { ok: false, error: invalid };
    message.text += text ?? '';
    if (args.metadata) message.metadata = args.metadata as StoredMessage['metadata'];
    this.streams.delete(`${channel} ${ts}`);
    return {
      ok: true,
      channel,
      ts,
      message: { text: message.text, bot_id: 'BBOT', ts, type: 'message', subtype: 'bot_message' },
    };
  }

  /** assistant.threads.*: the panel's status, suggested prompts and title, checked as Slack checks them. */
  private answerAssistant(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel_id ?? '');
    const threadTs = String(args.thread_ts ?? '');
    if (!channel) return { ok: false, error: 'channel_not_found', detail: 'Invalid channel_id' };
    if (!threadTs) return { ok: false, error: 'invalid_thread_ts', detail: 'Thread not found' };
    if (method === 'assistant.threads.setStatus') {
      if (typeof args.status !== 'string') return { ok: false, error: 'invalid_arguments' };
      const loading = args.loading_messages;
      if (loading !== undefined && (!Array.isArray(loading) || loading.length > 10))
        return { ok: false, error: 'invalid_arguments' };
      this.updatePanel(channel, threadTs, { status: args.status || undefined });
      return { ok: true };
    }
    if (method === 'assistant.threads.setSuggestedPrompts') {
      const prompts = args.prompts as { title?: unknown; message?: unknown }[] | undefined;
      // Slack shows up to four prompts, each a title and the message it sends.
      if (!Array.isArray(prompts) || prompts.length === 0 || prompts.length > 4)
        return { ok: false, error: 'invalid_arguments' };
      if (
        prompts.some(
          (prompt) =>
            typeof prompt.title !== 'string' ||
            !prompt.title ||
            typeof prompt.message !== 'string' ||
            !prompt.message,
        )
      )
        return { ok: false, error: 'invalid_arguments' };
      this.updatePanel(channel, threadTs, {
        prompts: prompts as { title: string; message: string }[],
        promptsTitle: typeof args.title === 'string' ? args.title : undefined,
      });
      return { ok: true };
    }
    if (typeof args.title !== 'string' || !args.title) return { ok: false, error: 'invalid_arguments' };
    this.updatePanel(channel, threadTs, { title: args.title });
    return { ok: true };
  }

  /**
   * views.publish as Slack answers it: the Home tab must be enabled for the app (`not_enabled`), a
   * `home` view for a `user_id` (else `invalid_arguments`), within 100 blocks and 250 kB
   * (`view_too_large`), and a `hash` given must be the one the current view has (`hash_conflict`).
   */
  private publishHome(args: Record<string, unknown>): Record<string, unknown> {
    const view = args.view as Record<string, unknown> | undefined;
    const userId = typeof args.user_id === 'string' ? args.user_id : '';
    if (!view || typeof view !== 'object' || !userId || view.type !== 'home')
      return { ok: false, error: 'invalid_arguments' };
    if (!this.homeTabEnabled) return { ok: false, error: 'not_enabled' };
    if (Buffer.byteLength(JSON.stringify(view)) > 250_000) return { ok: false, error: 'view_too_large' };
    const invalid = blockKitError(view, 'home');
    if (invalid) return { ok: false, error: invalid };
    const current = this.homes.get(userId);
    if (typeof args.hash === 'string' && current && args.hash !== current.hash)
      return { ok: false, error: 'hash_conflict' };
    const published = {
      ...view,
      id: current?.id ?? `VH${this.homes.size + 1}`,
      team_id: 'T0001',
      hash: `${Math.floor(Date.now() / 1000)}.${this.calls.length}`,
      app_id: 'A0001',
      bot_id: 'BBOT',
    };
    this.homes.set(userId, published);
    return { ok: true, view: published };
  }

  private recordPings(method: string, channel: string, message: Record<string, unknown>): void {
    for (const mention of mentionsIn(message)) this.pings.push({ method, channel, mention });
  }

  /** Keeps what the bot posted or updated, so conversations.replies can return it. */
  private remember(channel: string, ts: string, args: Record<string, unknown>): void {
    const list = this.messages.get(channel) ?? [];
    const existing = list.find((message) => message.ts === ts);
    const fields = {
      text: String(args.text ?? ''),
      metadata: args.metadata as StoredMessage['metadata'],
    };
    if (existing) Object.assign(existing, fields);
    else {
      const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
      list.push({ ts, thread_ts: threadTs, user: 'UBOT', bot_id: 'BBOT', ...fields });
      // Slack clears the assistant's status once it replies in the thread.
      if (threadTs) this.updatePanel(channel, threadTs, { status: undefined });
    }
    this.messages.set(channel, list);
  }
}

/** What the assistant panel shows for one of its threads. */
export interface AssistantThreadView {
  /** "is thinking…", until the app replies in the thread. */
  status?: string;
  title?: string;
  prompts?: { title: string; message: string }[];
  promptsTitle?: string;
}

/** The bot scopes manifest.yml asks for. */
const MANIFEST_BOT_SCOPES = [
  'app_mentions:read',
  'assistant:write',
  'chat:write',
  'commands',
  'im:history',
  'channels:history',
  'groups:history',
  'mpim:history',
  'files:read',
  'users:read',
  'usergroups:read',
];

/** The scopes a method needs, any one of them (setStatus takes either since Slack's 2026-03 change). */
const SCOPES_NEEDED: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.startStream': ['chat:write'],
  'chat.appendStream': ['chat:write'],
  'chat.stopStream': ['chat:write'],
  'assistant.threads.setStatus': ['chat:write', 'assistant:write'],
  'assistant.threads.setSuggestedPrompts': ['assistant:write'],
  'assistant.threads.setTitle': ['assistant:write'],
};

/** The markdown a streaming call carries, in `markdown_text` or in `markdown_text` chunks. */
/** The markdown a streaming call carries, in `markdown_text` or `markdown_text` chunks. */
export function streamedText(args: Record<string, unknown>): string | undefined {
  const chunks = Array.isArray(args.chunks) ? (args.chunks as { type?: string; text?: unknown }[]) : [];
  const parts = [
    ...(typeof args.markdown_text === 'string' ? [args.markdown_text] : []),
    ...chunks.filter((chunk) => chunk.type === 'markdown_text').map((chunk) => String(chunk.text ?? '')),
  ];
  return parts.length > 0 ? parts.join('') : undefined;
}

/** The Web API client sends form-encoded bodies with JSON inside some fields; Slack accepts JSON too. */
function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}');
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The file's bytes from an upload body: the one part of multipart form data, or the body itself. */
function uploadedBytes(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!contentType.startsWith('multipart/form-data') || !boundary) return body;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf('\r\n\r\n', start);
  const end = body.indexOf(Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`), headersEnd);
  return start < 0 || headersEnd < 0 || end < 0 ? body : body.subarray(headersEnd + 4, end);
}
