import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { LocalSlack } from './local-slack.js';
import type { SlackSender } from './slack-requests.js';
import { type SharedFile, type ShownMessage, WORKSPACE, type Workspace } from './workspace.js';

/** How long Slack waits for the app to acknowledge a command, a click or a submission. */
const ACK_TIMEOUT_MS = 3000;

/** What the manifest turns on, which is all Slack shows of the app: its commands, Home tab, assistant panel. */
export interface AppFeatures {
  commands: string[];
  homeTab: boolean;
  assistantPanel: boolean;
}

export function manifestFeatures(manifestUrl = new URL('../../manifest.yml', import.meta.url)): AppFeatures {
  const manifest = parse(readFileSync(manifestUrl, 'utf8')) as {
    features?: {
      slash_commands?: { command: string }[];
      app_home?: { home_tab_enabled?: boolean };
      assistant_view?: unknown;
    };
  };
  return {
    commands: (manifest.features?.slash_commands ?? []).map((entry) => entry.command),
    homeTab: manifest.features?.app_home?.home_tab_enabled === true,
    assistantPanel: manifest.features?.assistant_view !== undefined,
  };
}

/** Slack's encoding of what a person types: `&`, `<`, `>` escaped, `@Bedrock` a mention of the bot. */
function encodeTyped(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(new RegExp(`@${WORKSPACE.bot.name}\\b`, 'gi'), `<@${WORKSPACE.bot.id}>`);
}

/**
 * You, at the page: what you type, click and submit reaches the app as Slack would send it (a
 * signed slash command with its response_url, an Events API envelope, block_actions and
 * view_submission payloads), and what Slack would show you back appears in the workspace.
 */
export class Person {
  constructor(
    private readonly slack: LocalSlack,
    private readonly sender: SlackSender,
    private readonly workspace: Workspace,
    private readonly features: AppFeatures,
  ) {}

  /** A line from the composer: a slash command, or a message (a mention or DM reaches the app). */
  async say(channel: string, text: string, threadTs?: string, files: SharedFile[] = []): Promise<void> {
    const command = text.trimStart().match(/^(\/[\w-]+)\s*([\s\S]*)$/);
    if (command && files.length === 0)
      return this.command(channel, command[1] ?? '', command[2] ?? '', threadTs);
    const ts = this.slack.newTs();
    const encoded = encodeTyped(text);
    this.slack.seedMessage(channel, { ts, thread_ts: threadTs, user: WORKSPACE.person.id, text: encoded });
    this.workspace.add({ channel, ts, threadTs, author: 'person', text: encoded, files, ephemeral: false });
    const direct = channel === WORKSPACE.dm.id;
    const mentioned = encoded.includes(`<@${WORKSPACE.bot.id}>`);
    if (!direct && !mentioned) return;
    const event: Record<string, unknown> = {
      type: direct ? 'message' : 'app_mention',
      user: WORKSPACE.person.id,
      text: encoded,
      ts,
      channel,
      event_ts: ts,
      ...(direct ? { channel_type: 'im' } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(files.length ? { files, ...(direct ? { subtype: 'file_share' } : {}) } : {}),
    };
    const answer = await this.sender.event(event, { teamId: WORKSPACE.teamId }).catch(() => undefined);
    if (answer?.status !== 200)
      this.workspace.notice('The app did not take the event (is it still running?)');
  }

  private async command(channel: string, command: string, text: string, threadTs?: string): Promise<void> {
    if (!this.features.commands.includes(command)) {
      this.workspace.slackbot(
        channel,
        threadTs,
        `\`${command}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
      );
      return;
    }
    const responseId = this.workspace.responseFor({ channel, threadTs });
    const body = this.sender.commandBody(command, text, {
      userId: WORKSPACE.person.id,
      channelId: channel,
      teamId: WORKSPACE.teamId,
      responseId,
    });
    const answer = await this.sender
      .post(body, 'application/x-www-form-urlencoded', { timeoutMs: ACK_TIMEOUT_MS })
      .catch(() => undefined);
    if (!answer) {
      this.workspace.slackbot(channel, threadTs, `${command} failed with the error "operation_timeout"`);
      return;
    }
    if (answer.status !== 200) {
      this.workspace.slackbot(channel, threadTs, `${command} failed with the error "dispatch_failed"`);
      return;
    }
    // A command answered in its ack: Slack shows the body to the person, as its response_url would.
    const acked = parseJson(answer.body) ?? (answer.body.trim() ? { text: answer.body } : undefined);
    if (acked && (acked.text || acked.blocks))
      this.workspace.add({
        channel,
        threadTs,
        ts: this.slack.newTs(),
        author: 'bot',
        text: String(acked.text ?? ''),
        blocks: Array.isArray(acked.blocks) ? acked.blocks : undefined,
        ephemeral: acked.response_type !== 'in_channel',
      });
  }

  /** A click on a button or a choice in a select, on a message or in a view. */
  async click(
    where: { messageKey: string } | { view: 'modal' | 'home' },
    action: { blockId: string; actionId: string; value: string; label?: string; element?: string },
  ): Promise<void> {
    const base = {
      elementType: action.element,
      userId: WORKSPACE.person.id,
      teamId: WORKSPACE.teamId,
      blockId: action.blockId,
      actionId: action.actionId,
      value: action.value,
      text: action.label,
    };
    let payload: Parameters<SlackSender['blockAction']>[0];
    if ('view' in where) {
      const shown = where.view === 'home' ? this.workspace.home : this.workspace.modal.at(-1);
      if (!shown) return;
      payload = { ...base, view: { ...shown.view, id: shown.id } };
    } else {
      const message = this.workspace.messages.get(where.messageKey);
      if (!message) return;
      payload = { ...base, ...this.messageContext(message) };
    }
    const answer = await this.sender
      .blockAction(payload, { timeoutMs: ACK_TIMEOUT_MS })
      .catch(() => undefined);
    if (answer?.status !== 200) this.workspace.notice('The app did not answer the click in time.');
  }

  private messageContext(message: ShownMessage) {
    return {
      channelId: message.channel,
      messageTs: message.ts,
      threadTs: message.threadTs,
      ephemeral: message.ephemeral,
      responseId: this.workspace.responseFor({
        channel: message.channel,
        threadTs: message.threadTs,
        sourceKey: message.key,
      }),
      message: {
        ts: message.ts,
        text: message.text,
        blocks: message.blocks,
        user: WORKSPACE.bot.id,
        bot_id: WORKSPACE.bot.botId,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
    };
  }

  /** Submits the top modal with its inputs' values, and shows what the app's ack asks for. */
  async submit(values: Record<string, Record<string, Record<string, unknown>>>): Promise<void> {
    const shown = this.workspace.modal.at(-1);
    if (!shown) return;
    const answer = await this.sender
      .viewSubmission(
        {
          callbackId: String(shown.view.callback_id ?? ''),
          privateMetadata: String(shown.view.private_metadata ?? ''),
          values,
          userId: WORKSPACE.person.id,
          teamId: WORKSPACE.teamId,
          view: { ...shown.view, id: shown.id },
        },
        { timeoutMs: ACK_TIMEOUT_MS },
      )
      .catch(() => undefined);
    if (answer?.status !== 200) {
      this.workspace.showErrors({});
      this.workspace.notice('We had some trouble connecting. Try again?');
      return;
    }
    const ack = parseJson(answer.body) ?? {};
    const next = ack.view as Record<string, unknown> | undefined;
    switch (ack.response_action) {
      case 'errors':
        this.workspace.showErrors((ack.errors as Record<string, string>) ?? {});
        return;
      case 'update':
        this.workspace.openModal({ id: shown.id, view: next ?? {}, errors: {} }, 'update');
        return;
      case 'push':
        this.workspace.openModal({ id: `V${this.slack.newTs()}`, view: next ?? {}, errors: {} }, 'push');
        return;
      case 'clear':
        this.workspace.openModal(undefined, 'clear');
        return;
      default:
        this.workspace.closeModal();
    }
  }

  /**
   * Opening the assistant panel (from #general): Slack starts a thread in your DM with the bot and
   * tells the app, with the channel you were looking at as its context.
   */
  async openAssistant(): Promise<void> {
    if (!this.features.assistantPanel) return;
    const { panel, started } = this.workspace.openAssistant(WORKSPACE.dm.id);
    if (!started) return;
    await this.sender
      .event(
        {
          type: 'assistant_thread_started',
          assistant_thread: {
            user_id: WORKSPACE.person.id,
            context: { channel_id: WORKSPACE.channel.id, team_id: WORKSPACE.teamId, enterprise_id: null },
            channel_id: panel.channel,
            thread_ts: panel.threadTs,
          },
          event_ts: this.slack.newTs(),
        },
        { teamId: WORKSPACE.teamId },
      )
      .catch(() => undefined);
  }

  /** Opening the app's Home tab: Slack tells the app, which may publish a view for you. */
  async openHome(): Promise<void> {
    if (!this.features.homeTab) return;
    await this.sender
      .event(
        {
          type: 'app_home_opened',
          user: WORKSPACE.person.id,
          channel: WORKSPACE.dm.id,
          tab: 'home',
          event_ts: this.slack.newTs(),
          ...(this.workspace.home
            ? { view: { ...this.workspace.home.view, id: this.workspace.home.id } }
            : {}),
        },
        { teamId: WORKSPACE.teamId },
      )
      .catch(() => undefined);
  }

  /** A file you attach, hosted by the local Slack as Slack hosts uploads. */
  upload(name: string, mimetype: string, bytes: Buffer): SharedFile {
    return this.slack.addFile(name, mimetype, bytes);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
