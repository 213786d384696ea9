import { blockKitError, type SlackTraffic, streamedText } from './local-slack.js';
import type { InputErrors } from './page/blocks.js';

/** The one workspace the playground holds: you, the bot, #general and your DM with the bot. */
export const WORKSPACE = {
  teamId: 'T0001',
  person: { id: 'U0YOU', name: 'you' },
  bot: { id: 'UBOT', botId: 'BBOT', name: 'Bedrock' },
  channel: { id: 'C0GENERAL', name: 'general' },
  dm: { id: 'D0BEDROCK', name: 'Bedrock' },
} as const;

/** A file as a message or a form carries it (what Slack's `files` objects hold). */
export interface SharedFile {
  id: string;
  name: string;
  mimetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
}

/** A message as the page shows it. */
export interface ShownMessage {
  /** `channel:ts`, unique on the page. */
  key: string;
  channel: string;
  ts: string;
  /** Set on a reply: the thread it is in. */
  threadTs?: string;
  author: 'person' | 'bot' | 'slackbot';
  text: string;
  /** `text` is standard markdown (a streamed message), not mrkdwn. */
  markdown?: boolean;
  blocks?: unknown[];
  files: SharedFile[];
  /** Only visible to you. */
  ephemeral: boolean;
  /** Slack refused the message, or its latest update: Slack's error code. */
  refused?: { method: string; error: string };
  replies: number;
  /** When it was posted (ms since the epoch). */
  at: number;
}

/** A modal or the Home tab, as Slack holds it (with its ID) and the errors shown under its inputs. */
export interface ShownView {
  id: string;
  view: Record<string, unknown>;
  errors: InputErrors;
}

export type WorkspaceChange =
  | { kind: 'message'; message: ShownMessage }
  | { kind: 'removed'; key: string }
  | { kind: 'modal'; view?: ShownView }
  | { kind: 'home'; view?: ShownView }
  | { kind: 'notice'; text: string }
  | { kind: 'assistant'; panel: AssistantPanel };

/** The assistant panel's thread (a thread in your DM with the bot) and what the app set on it. */
export interface AssistantPanel {
  channel: string;
  threadTs: string;
  title?: string;
  /** "is thinking…", while the app says so; cleared with an empty status or its reply. */
  status?: string;
  prompts: { title: string; message: string }[];
}

/** Where a response_url's posts go: the conversation it came from and the message clicked, if any. */
interface ResponseTarget {
  channel: string;
  threadTs?: string;
  sourceKey?: string;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/**
 * What the page shows, kept in step with what the app sends Slack (followed from the local Slack's
 * traffic) and what you do. Every change is told to the listeners (the page's live stream).
 */
export class Workspace {
  readonly messages = new Map<string, ShownMessage>();
  modal: ShownView[] = [];
  home?: ShownView;
  assistant?: AssistantPanel;
  private readonly listeners = new Set<(change: WorkspaceChange) => void>();
  private readonly responseTargets = new Map<string, ResponseTarget>();
  private nextResponse = 1;

  constructor(private readonly newTs: () => string) {}

  listen(listener: (change: WorkspaceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new response_url ID for a command or a click in `target`. */
  responseFor(target: ResponseTarget): string {
    const id = `r${this.nextResponse++}`;
    this.responseTargets.set(id, target);
    return id;
  }

  /** Adds a message (yours, or Slackbot's) and tells the listeners. */
  add(
    message: Omit<ShownMessage, 'key' | 'replies' | 'files' | 'at'> & { files?: SharedFile[] },
  ): ShownMessage {
    const shown: ShownMessage = {
      files: [],
      ...message,
      key: `${message.channel}:${message.ts}`,
      replies: 0,
      at: Date.now(),
    };
    this.messages.set(shown.key, shown);
    this.emit({ kind: 'message', message: shown });
    const panel = this.assistant;
    if (panel?.status && shown.author === 'bot' && shown.threadTs === panel.threadTs) {
      panel.status = undefined;
      this.emit({ kind: 'assistant', panel });
    }
    if (shown.threadTs && !shown.ephemeral) {
      const parent = this.messages.get(`${shown.channel}:${shown.threadTs}`);
      if (parent) {
        parent.replies += 1;
        this.emit({ kind: 'message', message: parent });
      }
    }
    return shown;
  }

  /** Slackbot's word, only to you: how Slack tells a person what went wrong. */
  slackbot(channel: string, threadTs: string | undefined, text: string): ShownMessage {
    return this.add({ channel, threadTs, ts: this.newTs(), author: 'slackbot', text, ephemeral: true });
  }

  /** Opens the assistant panel's thread (once); returns it and whether it is new. */
  openAssistant(channel: string): { panel: AssistantPanel; started: boolean } {
    if (this.assistant) return { panel: this.assistant, started: false };
    this.assistant = { channel, threadTs: this.newTs(), prompts: [] };
    this.emit({ kind: 'assistant', panel: this.assistant });
    return { panel: this.assistant, started: true };
  }

  notice(text: string): void {
    this.emit({ kind: 'notice', text });
  }

  openModal(view: ShownView | undefined, mode: 'open' | 'push' | 'update' | 'clear'): void {
    if (mode === 'clear' || !view) this.modal = [];
    else if (mode === 'open') this.modal = [view];
    else if (mode === 'push') this.modal.push(view);
    else {
      const index = this.modal.findIndex((shown) => shown.id === view.id);
      if (index >= 0) this.modal[index] = view;
      else if (this.modal.length > 0) this.modal[this.modal.length - 1] = view;
    }
    this.emit({ kind: 'modal', view: this.modal.at(-1) });
  }

  /** The top modal's inline errors, from a submission answered with `response_action: errors`. */
  showErrors(errors: InputErrors): void {
    const top = this.modal.at(-1);
    if (!top) return;
    top.errors = errors;
    this.emit({ kind: 'modal', view: top });
  }

  /** Closes the top view of the modal (Cancel, or a submission answered with no action). */
  closeModal(): void {
    this.modal.pop();
    this.emit({ kind: 'modal', view: this.modal.at(-1) });
  }

  /** Follows one piece of the app's traffic to Slack. */
  follow(traffic: SlackTraffic): void {
    if (traffic.kind === 'response') this.followResponse(traffic.responseId, traffic.body);
    else this.followCall(traffic.call.method, traffic.call.args, record(traffic.call.response));
  }

  private followCall(method: string, args: Record<string, unknown>, response: Record<string, unknown>): void {
    const channel = str(args.channel) ?? '';
    const threadTs = str(args.thread_ts);
    const refused = response.ok === false ? { method, error: String(response.error) } : undefined;
    switch (method) {
      case 'chat.postMessage':
      case 'chat.postEphemeral':
      case 'chat.startStream': {
        if (refused) {
          this.refusal(channel, threadTs, refused);
          return;
        }
        const ts = str(response.ts) ?? str(response.message_ts);
        if (!ts) return;
        this.add({
          channel,
          ts,
          threadTs: threadTs === ts ? undefined : threadTs,
          author: 'bot',
          text: method === 'chat.startStream' ? (streamedText(args) ?? '') : (str(args.text) ?? ''),
          markdown: method === 'chat.startStream',
          blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
          ephemeral: method === 'chat.postEphemeral',
        });
        return;
      }
      case 'chat.update':
      case 'chat.appendStream':
      case 'chat.stopStream': {
        const shown = this.messages.get(`${channel}:${str(args.ts)}`);
        if (!shown) return;
        if (refused) shown.refused = refused;
        else {
          shown.refused = undefined;
          if (method === 'chat.update') shown.text = str(args.text) ?? shown.text;
          else shown.text += streamedText(args) ?? '';
          if (Array.isArray(args.blocks)) shown.blocks = args.blocks;
        }
        this.emit({ kind: 'message', message: shown });
        return;
      }
      case 'chat.delete':
        if (!refused) this.remove(`${channel}:${str(args.ts)}`);
        return;
      case 'views.open':
      case 'views.push':
      case 'views.update': {
        if (refused) {
          this.notice(`Slack refused ${method}: ${refused.error}`);
          return;
        }
        const view = record(response.view);
        this.openModal(
          { id: String(view.id ?? args.view_id ?? ''), view, errors: {} },
          method === 'views.open' ? 'open' : method === 'views.push' ? 'push' : 'update',
        );
        return;
      }
      case 'views.publish': {
        if (refused) {
          this.notice(`Slack refused views.publish: ${refused.error}`);
          return;
        }
        const view = record(response.view);
        this.home = { id: String(view.id ?? ''), view, errors: {} };
        this.emit({ kind: 'home', view: this.home });
        return;
      }
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setSuggestedPrompts':
      case 'assistant.threads.setTitle': {
        const panel = this.assistant;
        if (refused || !panel || str(args.thread_ts) !== panel.threadTs) return;
        if (method.endsWith('setStatus')) panel.status = str(args.status) || undefined;
        else if (method.endsWith('setTitle')) panel.title = str(args.title);
        else
          panel.prompts = (Array.isArray(args.prompts) ? args.prompts : []).map((prompt) => ({
            title: String(record(prompt).title ?? ''),
            message: String(record(prompt).message ?? ''),
          }));
        this.emit({ kind: 'assistant', panel });
        return;
      }
      default:
        return;
    }
  }

  /** A response_url post: replaces or deletes the message clicked, or adds a new one, as Slack does. */
  private followResponse(responseId: string, body: Record<string, unknown>): void {
    const target = this.responseTargets.get(responseId);
    if (!target) return;
    const source = target.sourceKey ? this.messages.get(target.sourceKey) : undefined;
    const error = blockKitError(body);
    if (error) {
      this.refusal(target.channel, target.threadTs, { method: 'response_url', error });
      return;
    }
    if (body.delete_original === true) {
      if (source) this.remove(source.key);
      return;
    }
    // A click's response replaces the message clicked unless told otherwise; a command's adds one.
    if (source && body.replace_original !== false) {
      source.text = str(body.text) ?? '';
      source.blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
      source.refused = undefined;
      this.emit({ kind: 'message', message: source });
      return;
    }
    const threadTs = str(body.thread_ts) ?? target.threadTs;
    this.add({
      channel: target.channel,
      ts: this.newTs(),
      threadTs,
      author: 'bot',
      text: str(body.text) ?? '',
      blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
      ephemeral: body.response_type !== 'in_channel',
    });
  }

  private refusal(channel: string, threadTs: string | undefined, refused: ShownMessage['refused']): void {
    this.add({
      channel,
      threadTs,
      ts: this.newTs(),
      author: 'bot',
      text: '',
      ephemeral: false,
      refused,
    });
  }

  private remove(key: string): void {
    if (this.messages.delete(key)) this.emit({ kind: 'removed', key });
  }

  private emit(change: WorkspaceChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
