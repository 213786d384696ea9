import type { Button, KnownBlock, View } from '@slack/types';
import { BILLED_HOURLY, formatUsd } from '../../bedrock/pricing.js';
import type { HomeOverview, PricedThroughput, WatchedJob } from '../../home/overview.js';
import type { ModelUsage, UsageReport } from '../../usage/ledger.js';
import { feedbackFigure, tierMedians } from '../compare/leaderboard.js';
import { button, clip, LIMITS } from '../kit/limits.js';
import { slackView } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';

export const HOME_ACTIONS = {
  editDefaults: 'home_edit_defaults',
  channelSettings: 'home_channel_settings',
} as const;

/** The most rows a list on Home shows; the rest is summed up in one line. */
const ROWS = 10;

type NameOf = (modelId: string) => string;

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) },
});
const heading = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text } });
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) }],
});

const plural = (count: number, word: string) =>
  `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;

/**
 * Known cost, and the calls whose price is unknown said as such: never a $0 for them. Calls through a
 * Provisioned Throughput are paid by the hour, so a figure that counts them says it leaves them out.
 */
function cost(
  usage: Pick<ModelUsage, 'costUsd' | 'requests' | 'unpricedRequests' | 'hourlyRequests'>,
): string {
  const perToken = usage.requests - usage.hourlyRequests;
  if (perToken === 0) return BILLED_HOURLY;
  const unknown =
    usage.unpricedRequests > 0 ? ` + ${plural(usage.unpricedRequests, 'call')} of unknown price` : '';
  const known =
    usage.unpricedRequests === perToken ? 'price unknown' : `${formatUsd(usage.costUsd)}${unknown}`;
  return usage.hourlyRequests > 0
    ? `${known}, excluding ${plural(usage.hourlyRequests, 'call')} ${BILLED_HOURLY}`
    : known;
}

const tokens = (usage: Pick<ModelUsage, 'inputTokens' | 'outputTokens'>) =>
  `${usage.inputTokens.toLocaleString('en-US')} in / ${usage.outputTokens.toLocaleString('en-US')} out tokens`;

/** A period's usage: its totals, then a line per model, most expensive first. */
function usageText(title: string, report: UsageReport, nameOf: NameOf): string {
  if (report.requests === 0) return `*${title}*\n_Nothing yet._`;
  const lines = report.models
    .slice(0, ROWS)
    .map(
      (model) =>
        `• *${escapeMrkdwn(nameOf(model.modelId))}*: ${plural(model.requests, 'request')} · ${tokens(model)} · ${cost(model)}`,
    );
  if (report.models.length > ROWS) lines.push(`• …and ${plural(report.models.length - ROWS, 'more model')}`);
  return [
    `*${title}*: ${plural(report.requests, 'request')} · ${tokens(report)} · ${cost(report)}`,
    ...lines,
  ].join('\n');
}

function budgetText(overview: HomeOverview): string {
  const cap = overview.dailyCapUsd;
  if (cap <= 0) return 'No daily spend cap is set for you.';
  if (overview.spentTodayUsd <= 0) return `Your daily budget: ${formatUsd(cap)}, reset at midnight UTC.`;
  // Cut down to the cent, so what is left is never shown as more than it is.
  const left = Math.max(0, Math.floor((cap - overview.spentTodayUsd) * 100) / 100);
  return `Daily budget: ${formatUsd(overview.spentTodayUsd)} of ${formatUsd(cap)} used today, *${formatUsd(left)} left* (reset at midnight UTC).`;
}

function defaultsText(overview: HomeOverview, nameOf: NameOf): string {
  const { defaults } = overview;
  const names = defaults.compareModels.map((id) => `*${escapeMrkdwn(nameOf(id))}*`).join(', ');
  const whose = (workspace: boolean) => (workspace ? ' _(the workspace’s; a channel may set its own)_' : '');
  return [
    '*Your defaults*',
    `• Compare set: ${names}${whose(defaults.compareIsWorkspaceDefault)}`,
    `• Chat model: *${escapeMrkdwn(nameOf(defaults.chatModel))}*${whose(defaults.chatIsWorkspaceDefault)}`,
  ].join('\n');
}

function leaderboardText(overview: HomeOverview, nameOf: NameOf): string {
  if (overview.standings.length === 0)
    return '*Workspace leaderboard*\n_No compares yet. Run `/compare` and pick the best answer to start it._';
  const lines = overview.standings.map((standing, place) => {
    const rate =
      standing.contests > 0 ? ` (${Math.round(standing.winRate * 100)}% of ${standing.contests})` : '';
    return [
      `${place + 1}. *${escapeMrkdwn(nameOf(standing.modelId))}*`,
      `${plural(standing.wins, 'win')}${rate}`,
      ...tierMedians(standing, false),
      ...feedbackFigure(standing),
    ].join(' · ');
  });
  return ['*Workspace leaderboard* (`/compare leaderboard` for all)', ...lines].join('\n');
}

const jobName = (arn: string) => arn.split('/').pop() ?? arn;

function watchesText(watches: WatchedJob[]): string {
  if (watches.length === 0)
    return '*Jobs you watch*\n_None. `/finetune-status watch <job>` in a channel posts every change of a job there._';
  const lines = watches
    .slice(0, ROWS)
    .map(
      (watch) =>
        `• *${escapeMrkdwn(watch.name ?? jobName(watch.jobArn))}* in <#${watch.channelId}>: ${watch.status ?? 'not checked yet'}`,
    );
  if (watches.length > ROWS) lines.push(`• …and ${watches.length - ROWS} more`);
  return ['*Jobs you watch*', ...lines].join('\n');
}

function throughputLine(throughput: PricedThroughput, nameOf: NameOf): string {
  const model = nameOf(throughput.foundationModelArn.split('/').pop() ?? throughput.modelArn);
  const hourly =
    throughput.hourlyUsd === undefined
      ? 'cost per hour unknown (add it to PRICES_FILE)'
      : `${formatUsd(throughput.hourlyUsd)} an hour`;
  return `• *${escapeMrkdwn(throughput.name)}* · ${escapeMrkdwn(model)} · ${plural(throughput.modelUnits, 'model unit')} · ${throughput.status} · ${hourly}`;
}

function throughputsText(listing: HomeOverview['throughputs'], nameOf: NameOf): string | undefined {
  if (!listing) return undefined;
  if (!listing.ok)
    return `*Provisioned throughput*\n_Could not list it just now (${escapeMrkdwn(listing.problem)})._`;
  if (listing.value.length === 0) return '*Provisioned throughput*\n_None in this account and region._';
  const lines = listing.value.slice(0, ROWS).map((throughput) => throughputLine(throughput, nameOf));
  if (listing.value.length > ROWS) lines.push(`• …and ${listing.value.length - ROWS} more`);
  return ['*Provisioned throughput*', ...lines].join('\n');
}

function deploymentsText(listing: HomeOverview['deployments'], nameOf: NameOf): string | undefined {
  if (!listing) return undefined;
  const title = '*On-demand custom model deployments*';
  if (!listing.ok) return `${title}\n_Could not list them just now (${escapeMrkdwn(listing.problem)})._`;
  if (listing.value.length === 0) return `${title}\n_None in this account and region._`;
  const lines = listing.value.slice(0, ROWS).map((deployment) => {
    const model = nameOf(deployment.modelArn.split('/').at(-2) ?? deployment.modelArn);
    return `• *${escapeMrkdwn(deployment.name)}* · ${escapeMrkdwn(model)} (custom) · ${deployment.status} · billed per token, no hourly charge`;
  });
  if (listing.value.length > ROWS) lines.push(`• …and ${listing.value.length - ROWS} more`);
  return [title, ...lines].join('\n');
}

const WELCOME = [
  '*Welcome!* Nothing used yet this month. Here is how to start:',
  '• `/compare nova-micro claude-3.5-haiku What is RAG?` runs one prompt on several models side by side, with their speed and cost',
  '• Mention @Bedrock in a channel, or write to me here in Messages, to talk with a model in a thread',
  '• `/finetune-status` shows your model-customization jobs',
].join('\n');

/**
 * One person's App Home. Nothing in it depends on the clock, so the same state gives the same view
 * and opening Home again publishes nothing.
 */
export function homeView(overview: HomeOverview, nameOf: NameOf): View {
  const fresh = overview.month.requests === 0;
  const blocks: KnownBlock[] = [heading('Your Bedrock usage')];
  if (fresh) blocks.push(section(WELCOME));
  else
    blocks.push(
      section(usageText('Today', overview.today, nameOf)),
      section(usageText('This month', overview.month, nameOf)),
    );
  blocks.push(context(budgetText(overview)), { type: 'divider' }, section(defaultsText(overview, nameOf)));
  const actions: Button[] = [
    button('Edit my defaults', HOME_ACTIONS.editDefaults, 'edit'),
    button('Channel settings…', HOME_ACTIONS.channelSettings, 'channel'),
  ];
  blocks.push(
    { type: 'actions', elements: actions },
    { type: 'divider' },
    section(leaderboardText(overview, nameOf)),
  );
  blocks.push({ type: 'divider' }, section(watchesText(overview.watches)));
  const throughputs = throughputsText(overview.throughputs, nameOf);
  if (throughputs) blocks.push(section(throughputs));
  const deployments = deploymentsText(overview.deployments, nameOf);
  if (deployments) blocks.push(section(deployments));
  if (overview.workspace) {
    blocks.push(
      { type: 'divider' },
      heading('Workspace (admins)'),
      section(usageText('Today', overview.workspace.today, nameOf)),
      section(usageText('This month', overview.workspace.month, nameOf)),
    );
  }
  return slackView({ type: 'home', blocks: blocks.slice(0, LIMITS.modalBlocks) });
}
