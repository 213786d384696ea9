import type { KnownBlock, View } from '@slack/types';

/**
 * Text from people and models (prompts, answers, file names, job names, failure messages) reaches
 * Slack inside the app's own messages. Slack turns `<!channel>`, `<!here>`, `<!everyone>`,
 * `<!subteam^…>` and `<@U…>` in that text into notifications, so every message is defused as a whole
 * when it is built: each mention becomes plain `@name` text, except the people the app itself means
 * to mention in that message. Other `<…>` forms (links, `<#C…>` channel names, `<!date^…>`) notify no
 * one and stay.
 */
const MENTION = /<(!(?:channel|here|everyone)|!subteam\^[A-Z0-9]+|@[UW][A-Z0-9]+)(?:\|([^>]*))?>/gi;

declare const DEFUSED: unique symbol;

/**
 * A message ready for `chat.postMessage`, `chat.update`, `chat.postEphemeral` or a `response_url`.
 * Only `slackMessage` makes one, so no message can skip the defusing.
 */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
  /** Slack message metadata: how the bot later recognises its own answers in a thread. */
  metadata?: { event_type: string; event_payload: Record<string, string | number> };
  readonly [DEFUSED]: true;
}

/** `text` with every mention made plain, but for the user IDs in `keep`. */
export function defuseMentions(text: string, keep: readonly string[] = []): string {
  return text.replace(MENTION, (whole, target: string, label: string | undefined) => {
    if (target.startsWith('@') && keep.includes(target.slice(1))) return whole;
    const name = label?.replace(/^@/, '').trim() || target.replace(/^[!@]/, '').replace(/^subteam\^/i, '');
    return `@${name}`;
  });
}

/** Every `text` string in a message, a block or a view (mrkdwn, plain text, fields, cells), defused. */
function defuseAll<T>(value: T, keep: readonly string[]): T {
  if (Array.isArray(value)) return value.map((item) => defuseAll(item, keep)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] =
      key === 'text' && typeof entry === 'string' ? defuseMentions(entry, keep) : defuseAll(entry, keep);
  }
  return copy as T;
}

/**
 * The one way a message for Slack is made: every text in it defused. `mentions` are the user IDs the
 * app itself means to notify in this message (the requester of a compare, the person a notice names).
 */
export function slackMessage(
  message: Omit<SlackMessage, typeof DEFUSED>,
  mentions: readonly (string | undefined)[] = [],
): SlackMessage {
  const keep = mentions.filter((id): id is string => id !== undefined);
  return defuseAll(message, keep) as SlackMessage;
}

/** A modal's texts defused the same way; a modal notifies no one, but it shows what a message would. */
export function slackView(view: View): View {
  return defuseAll(view, []);
}
