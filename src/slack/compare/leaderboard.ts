import type { KnownBlock } from '@slack/types';
import { formatUsd } from '../../bedrock/pricing.js';
import type { ArenaBoard } from '../../compare/arena.js';
import type { Standing } from '../../compare/leaderboard.js';
import { clip, LIMITS } from '../kit/limits.js';
import { type SlackMessage, slackMessage } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';
import { seconds } from './figures.js';

const SHOWN = 20;

/** Thumbs on single answers, shown apart from wins: "feedback 👍 3 👎 1", nothing when none. */
export function feedbackFigure(standing: Pick<Standing, 'thumbsUp' | 'thumbsDown'>): string[] {
  if (standing.thumbsUp + standing.thumbsDown === 0) return [];
  return [`feedback 👍 ${standing.thumbsUp} 👎 ${standing.thumbsDown}`];
}

/**
 * A model's median latency, and on the board its median cost and the runs behind them: the standard
 * tier's, then each other tier's it ran on, labelled. A tier changes how fast and at what price a
 * model answers, so its figures stay apart even though its wins are the model's.
 */
export function tierMedians(standing: Standing, board: boolean): string[] {
  const medians = (figures: Pick<Standing, 'medianLatencyMs' | 'medianCostUsd'>) =>
    [
      `median ${seconds(figures.medianLatencyMs)}`,
      ...(board ? [`median ${formatUsd(figures.medianCostUsd)}`] : []),
    ].join(' · ');
  const runs = (count: number) => (board ? [`${count} run${count === 1 ? '' : 's'}`] : []);
  if (standing.tiers.length === 0)
    return [...(standing.runs > 0 ? [medians(standing)] : []), ...runs(standing.runs)];
  const standardRuns = standing.runs - standing.tiers.reduce((sum, tier) => sum + tier.runs, 0);
  return [
    ...runs(standing.runs),
    ...(standardRuns > 0 ? [`standard: ${medians(standing)}`, ...runs(standardRuns)] : []),
    ...standing.tiers.flatMap((tier) => [`${tier.tier}: ${medians(tier)}`, ...runs(tier.runs)]),
  ];
}

/**
 * The arena's ranking: Bradley–Terry ratings with their 95% bootstrap intervals and the votes behind
 * each, for one tag when asked, and saying whether pairwise judges' verdicts are in it.
 */
function arenaBlocks(board: ArenaBoard, nameOf: (modelId: string) => string): KnownBlock[] {
  const scope = board.tag ? ` for #${escapeMrkdwn(board.tag)}` : '';
  const sources = board.includesJudge
    ? `${board.votes} vote${board.votes === 1 ? '' : 's'} and ${board.verdicts} pairwise judge verdict${board.verdicts === 1 ? '' : 's'} from evaluations`
    : `${board.votes} vote${board.votes === 1 ? '' : 's'}; judge verdicts not included (add \`--judge\`)`;
  if (board.ratings.length === 0) {
    return [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Arena ratings${scope}*: _no votes yet._ Run \`/compare --arena …\` and vote.`,
        },
      },
    ];
  }
  const lines = board.ratings
    .slice(0, SHOWN)
    .map(
      (rating, place) =>
        `${place + 1}. *${escapeMrkdwn(nameOf(rating.modelId))}* ${Math.round(rating.rating)} (95%: ${Math.round(rating.low)}–${Math.round(rating.high)}) · ${rating.comparisons} head-to-head (${rating.wins}W ${rating.ties}T ${rating.losses}L)`,
    );
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*Arena ratings${scope}* (Bradley–Terry, from ${sources}):\n${lines.join('\n')}`,
          LIMITS.sectionText,
        ),
      },
    },
  ];
}

/** The workspace's standings: wins, win rate, median latency and cost per model; the arena's ratings first. */
export function leaderboardMessage(
  standings: Standing[],
  nameOf: (modelId: string) => string,
  board?: ArenaBoard,
): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Compare leaderboard' } },
    ...(board ? arenaBlocks(board, nameOf) : []),
  ];
  if (standings.length === 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '_No compares yet._ Run `/compare` and pick the best answer to start the board.',
      },
    });
  }
  const lines = standings.slice(0, SHOWN).map((standing, place) => {
    const rate =
      standing.contests > 0 ? ` (${Math.round(standing.winRate * 100)}% of ${standing.contests})` : '';
    return [
      `${place + 1}. *${escapeMrkdwn(nameOf(standing.modelId))}*`,
      `${standing.wins} win${standing.wins === 1 ? '' : 's'}${rate}`,
      ...tierMedians(standing, true),
      ...feedbackFigure(standing),
    ].join(' · ');
  });
  // One line a model, grouped into sections that each stay within Slack's limit.
  for (let start = 0; start < lines.length; start += 10) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(lines.slice(start, start + 10).join('\n'), LIMITS.sectionText) },
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: 'Wins come from “Best answer” votes and blind verdicts; win rate is wins over verdicts on compares the model finished in. A model’s service tiers share its wins, each with its own latency and cost. Feedback (👍 👎) is a separate signal: thumbs on single answers, in compares and threads, one per person per answer.',
      },
    ],
  });
  return slackMessage({ text: 'Compare leaderboard', blocks });
}
