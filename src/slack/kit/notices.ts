import { clip, LIMITS } from './limits.js';
import { type SlackMessage, slackMessage } from './message.js';

/**
 * A short message: an error, a refusal, a hint. Mrkdwn, within every limit. `mentions` are the user
 * IDs the app itself names in it; any other mention in `text` is defused.
 */
export function notice(text: string, icon = ':warning:', mentions: string[] = []): SlackMessage {
  const body = clip(`${icon} ${text}`, LIMITS.sectionText);
  return slackMessage(
    {
      text: clip(text, LIMITS.fallbackText),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }],
    },
    mentions,
  );
}

/** A model name or ID as inline code, short enough for any sentence it is put in. */
export const inlineCode = (name: string) => `\`${clip(name, 100)}\``;

export function unknownModelNotice(word: string, suggestions: string[], known: string[] = []): SlackMessage {
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map(inlineCode).join(', ')}?`
      : known.length > 0
        ? ` Models you can name here include ${known.map(inlineCode).join(', ')}; \`/compare help\` says more.`
        : ' `/compare help` lists how to name models.';
  return notice(`I don’t know a Bedrock model called ${inlineCode(word)}.${hint}`);
}
