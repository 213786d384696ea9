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

/** Names taken from the live catalog, so every example help shows is one /compare accepts. */
export interface ModelNameExamples {
  /** Short names of distinct invocable text models. */
  names: string[];
  modelId?: string;
  profileId?: string;
}

const code = (name: string) => `\`${clip(name, 100)}\``;

export function unknownModelNotice(word: string, suggestions: string[], known: string[] = []): SlackMessage {
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map(code).join(', ')}?`
      : known.length > 0
        ? ` Models you can name here include ${known.map(code).join(', ')}; \`/compare help\` says more.`
        : ' `/compare help` lists how to name models.';
  return notice(`I don’t know a Bedrock model called ${code(word)}.${hint}`);
}

const OUTPUT_WORDS: Record<string, string> = { EMBEDDING: 'embeddings', IMAGE: 'images', VIDEO: 'videos' };

/** A model the catalog knows but which answers with no text, so it cannot take part in a compare. */
export function noTextNotice(name: string, outputModalities: string[]): SlackMessage {
  const makes = outputModalities.map((modality) => OUTPUT_WORDS[modality] ?? modality.toLowerCase());
  return notice(
    `${clip(name, 100)} makes ${makes.join(' and ') || 'no text'}, not text, so it can’t answer a prompt here.`,
  );
}

export function compareHelp(
  maxModels: number,
  defaults: string[],
  examples: ModelNameExamples,
): SlackMessage {
  const [first, second, third] = examples.names;
  const naming = [
    examples.names.length > 0 ? `aliases (${examples.names.map(code).join(', ')})` : 'aliases',
    examples.modelId ? `model IDs (${code(examples.modelId)})` : 'model IDs',
    examples.profileId ? `inference profile IDs (${code(examples.profileId)})` : 'inference profile IDs',
  ];
  const runs =
    first && second
      ? [
          `\`/compare ${first} ${second} What are the top AWS services?\``,
          `\`/compare ${[first, second, third].filter(Boolean).join(',')} --max-tokens 300 Explain RAG in two sentences\``,
          `\`/compare --blind --temperature 0 ${first} ${second} Write a haiku about S3\``,
        ]
      : [];
  const sections = [
    `*/compare* runs one prompt on 2–${maxModels} Bedrock models side by side and shows each answer with its time to first token, latency, tokens, tokens/s and cost.`,
    [
      '*Usage*',
      '`/compare [models…] [options] prompt`',
      `• Models first, separated by spaces or commas: ${naming[0]}, ${naming[1]} or ${naming[2]}.`,
      `• No models named: your saved set, else the workspace default (${defaults.map(code).join(', ')}).`,
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
    ['*Examples*', ...runs, '`/compare leaderboard` which models your workspace voted best'].join('\n'),
  ];
  const blocks: KnownBlock[] = sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  return slackMessage({ text: 'How to use /compare', blocks });
}
