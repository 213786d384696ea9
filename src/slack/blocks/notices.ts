import type { KnownBlock } from '@slack/types';
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

export function unknownModelNotice(word: string, suggestions: string[]): SlackMessage {
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map((name) => `\`${name}\``).join(', ')}?`
      : ' `/compare help` lists how to name models.';
  return notice(`I don’t know a Bedrock model called \`${clip(word, 100)}\`.${hint}`);
}

export function compareHelp(maxModels: number, defaults: string[]): SlackMessage {
  const sections = [
    `*/compare* runs one prompt on 2–${maxModels} Bedrock models side by side and shows each answer with its time to first token, latency, tokens, tokens/s and cost.`,
    [
      '*Usage*',
      '`/compare [models…] [options] prompt`',
      '• Models first, separated by spaces or commas: aliases (`nova-micro`, `nova-lite`, `claude-3.5-sonnet`, `sonnet`, `llama3-70b`), model IDs (`amazon.nova-micro-v1:0`) or inference profile IDs (`us.anthropic.…`).',
      `• No models named: your saved set, else the workspace default (${defaults.map((name) => `\`${name}\``).join(', ')}).`,
      '• `/compare` alone opens a form: pick models from the catalog, attach an image, and save the set as your default.',
    ].join('\n'),
    [
      '*Options* (before the prompt)',
      '• `--max-tokens 512` longest answer, in tokens',
      '• `--temperature 0.2` from 0 to 1',
      '• `--system "Answer in one sentence"` a system prompt',
      '• `--blind` hide model names until you vote',
      '• `--max-latency 2s` `--max-cost 0.01` flag answers outside these limits',
    ].join('\n'),
    [
      '*Examples*',
      '`/compare nova-micro claude-3.5-sonnet What are the top AWS services?`',
      '`/compare nova-lite,sonnet,llama3-70b --max-tokens 300 Explain RAG in two sentences`',
      '`/compare --blind --temperature 0 nova-micro haiku Write a haiku about S3`',
      '`/compare leaderboard` which models your workspace voted best',
    ].join('\n'),
  ];
  const blocks: KnownBlock[] = sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  return slackMessage({ text: 'How to use /compare', blocks });
}
