import type { KnownBlock } from '@slack/types';
import type { Catalog } from '../../bedrock/catalog.js';
import { takesBudget, takesEffort } from '../../bedrock/reasoning.js';
import { offersTier } from '../../bedrock/service-tiers.js';
import { type SlackMessage, slackMessage } from '../kit/message.js';
import { inlineCode } from '../kit/notices.js';

/** Names taken from the live catalog, so every example help shows is one /compare accepts. */
interface ModelNameExamples {
  /** Short names of distinct invocable text models. */
  names: string[];
  modelId?: string;
  profileId?: string;
  /** A model that takes a thinking budget, one that takes an effort, one offered on flex and priority. */
  thinks?: string;
  effort?: string;
  tiered?: string;
}

/** Help's examples, from the live catalog: three short names, a model ID and a profile ID that resolve. */
function helpExamples(catalog: Catalog): ModelNameExamples {
  const names = catalog.exampleNames(3);
  const first = names[0] ? catalog.find(names[0])?.model : undefined;
  const profiled = catalog.invocableTextModels().find((model) => model.profileIds.length > 0);
  return {
    names,
    modelId: first?.modelId,
    profileId: profiled?.profileIds[0],
    thinks: catalog.exampleFor((model) => takesBudget(model.modelId)),
    effort: catalog.exampleFor((model) => takesEffort(model.modelId)),
    tiered: catalog.exampleFor((model) => offersTier(model.modelId, 'flex')),
  };
}

/** `/compare help`: usage, options and examples that this workspace's catalog accepts. */
export function compareHelp(
  catalog: Catalog,
  maxModels: number,
  defaults: string[],
  channelSettings: string[] = [],
): SlackMessage {
  const examples = helpExamples(catalog);
  const [first, second, third] = examples.names;
  const naming = [
    examples.names.length > 0 ? `aliases (${examples.names.map(inlineCode).join(', ')})` : 'aliases',
    examples.modelId ? `model IDs (${inlineCode(examples.modelId)})` : 'model IDs',
    examples.profileId
      ? `inference profile IDs (${inlineCode(examples.profileId)})`
      : 'inference profile IDs',
  ];
  const runs =
    first && second
      ? [
          `\`/compare ${first} ${second} What are the top AWS services?\``,
          `\`/compare ${[first, second, third].filter(Boolean).join(',')} --max-tokens 300 Explain RAG in two sentences\``,
          `\`/compare --blind --temperature 0 ${first} ${second} Write a haiku about S3\``,
        ]
      : [];
  if (examples.thinks && examples.effort)
    runs.push(
      `\`/compare ${examples.thinks} ${examples.effort} --think 2048 --effort high How many primes are below 100?\``,
    );
  if (examples.tiered)
    runs.push(`\`/compare ${examples.tiered}@flex ${examples.tiered}@priority Summarize the CAP theorem\``);
  const sections = [
    `*/compare* runs one prompt on 2–${maxModels} Bedrock models side by side and shows each answer with its time to first token, latency, tokens, tokens/s and cost.`,
    [
      '*Usage*',
      '`/compare [models…] [options] prompt`',
      `• Models first, separated by spaces or commas: ${naming[0]}, ${naming[1]} or ${naming[2]}.`,
      `• No models named: your saved set, else this channel’s, else the workspace default (${defaults.map(inlineCode).join(', ')}).`,
      '• `/compare` alone opens a form: pick models from the catalog, attach an image, and save the set as your default.',
    ].join('\n'),
    [
      '*Options* (before the prompt)',
      '• `--max-tokens 512` longest answer, in tokens',
      '• `--temperature 0.2` from 0 to 1',
      '• `--system "Answer in one sentence"` a system prompt',
      '• `--blind` hide model names until you vote',
      '• `--arena` blind, and everyone here votes once (tie and all bad too) for the ratings; `#tags` in the prompt rate it under them',
      '• `--max-latency 2s` `--max-cost 0.01` flag answers outside these limits',
      `• \`--think [budget]\` extended thinking for the models that take a budget${examples.thinks ? ` (${inlineCode(examples.thinks)})` : ''}, at least 1024 tokens; its reasoning shows apart, behind “Show reasoning”`,
      `• \`--effort low|medium|high\` reasoning effort for the models that take one${examples.effort ? ` (${inlineCode(examples.effort)})` : ''}`,
      `• \`model@flex\`, \`model@priority\` a service tier: flex is discounted and may be slower, priority costs more and answers first${examples.tiered ? ` (${inlineCode(`${examples.tiered}@flex`)})` : ''}`,
    ].join('\n'),
    [
      '*Examples*',
      ...runs,
      '`/compare leaderboard` which models your workspace voted best; `/compare leaderboard #sql --judge` the arena ratings for one tag, with pairwise judges’ verdicts from evaluations',
    ].join('\n'),
    [
      '*This channel’s settings* (`/compare settings` to change them)',
      ...(channelSettings.length > 0
        ? channelSettings
        : ['None: the workspace defaults apply here, unless you saved your own (on the app’s Home tab).']),
    ].join('\n'),
  ];
  const blocks: KnownBlock[] = sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  return slackMessage({ text: 'How to use /compare', blocks });
}
