import { z } from 'zod';
import { type Comparison, type Rating, rateModels } from '../evaluate/bradley-terry.js';
import { keys } from '../store/keys.js';
import type { RecordStore } from '../store/types.js';
import type { CompareRun, Verdict } from './types.js';

/**
 * The arena: blind compares everyone in a channel votes on, once each, and the workspace's ratings
 * computed from those votes (and, when asked, from pairwise judges' verdicts in evaluations) by
 * Bradley–Terry with bootstrap intervals. Raw win counts are not a ranking: a win over a strong model
 * counts for more than one over a weak one.
 */

const recordSchema = z.object({
  source: z.enum(['vote', 'judge']),
  comparisons: z.array(z.object({ a: z.string(), b: z.string(), winner: z.enum(['a', 'b', 'tie']) })),
  tags: z.array(z.string()),
  at: z.number(),
});

type ArenaRecord = z.infer<typeof recordSchema>;

export interface ArenaBoard {
  ratings: Rating[];
  /** People's votes behind the ratings, and judge verdicts when they were included. */
  votes: number;
  verdicts: number;
  includesJudge: boolean;
  tag?: string;
}

/** `#coding #sql` in a prompt: the tags a compare is rated under. */
export function tagsIn(text: string): string[] {
  return [
    ...new Set(
      [...text.matchAll(/(?:^|\s)#([a-z0-9][a-z0-9_-]*)/gi)].map((match) => (match[1] ?? '').toLowerCase()),
    ),
  ];
}

/**
 * One vote as head-to-head outcomes between the models that finished: the pick beats each of the
 * others; a tie and "all bad" are draws between every pair (neither was preferred). Ratings rank
 * models by the answers they give, which a service tier does not change: two tiers of one model are
 * that model, never its own opponent, and each pair of models counts once.
 */
export function voteComparisons(run: CompareRun, verdict: Verdict): Comparison[] {
  const finished = run.models
    .map((model, index) => ({ model, index }))
    .filter(({ model }) => model.status === 'done');
  const comparisons: Comparison[] = [];
  const counted = new Set<string>();
  for (let i = 0; i < finished.length; i++)
    for (let j = i + 1; j < finished.length; j++) {
      const x = finished[i] as (typeof finished)[number];
      const y = finished[j] as (typeof finished)[number];
      const winner =
        verdict === x.index
          ? 'a'
          : verdict === y.index
            ? 'b'
            : typeof verdict === 'number'
              ? undefined
              : 'tie';
      const pair = JSON.stringify([x.model.modelId, y.model.modelId].sort());
      // A pick among three or more says nothing about the two it passed over.
      if (!winner || x.model.modelId === y.model.modelId || counted.has(pair)) continue;
      counted.add(pair);
      comparisons.push({ a: x.model.modelId, b: y.model.modelId, winner });
    }
  return comparisons;
}

export class Arena {
  constructor(private readonly store: RecordStore) {}

  /** A person's vote on an arena run; false when they already voted on it. */
  recordVote(
    teamId: string,
    runId: string,
    userId: string,
    comparisons: Comparison[],
    tags: string[],
  ): Promise<boolean> {
    const record: ArenaRecord = { source: 'vote', comparisons, tags, at: Date.now() };
    const { key, ttlSeconds } = keys.arenaVotes(teamId);
    return this.store.addRecord(key, `vote:${runId}:${userId}`, record, ttlSeconds);
  }

  /** A pairwise judge's verdicts on one evaluation's rows, each kept once. */
  async recordJudged(
    teamId: string,
    evaluationId: string,
    verdicts: { unit: string; comparison: Comparison; tags: string[] }[],
  ): Promise<void> {
    const { key, ttlSeconds } = keys.arenaVotes(teamId);
    await Promise.all(
      verdicts.map(({ unit, comparison, tags }) =>
        this.store.addRecord(
          key,
          `judge:${evaluationId}:${unit}`,
          { source: 'judge', comparisons: [comparison], tags, at: Date.now() } satisfies ArenaRecord,
          ttlSeconds,
        ),
      ),
    );
  }

  async board(teamId: string, options: { tag?: string; includeJudge: boolean }): Promise<ArenaBoard> {
    const raw = await this.store.readRecords(keys.arenaVotes(teamId).key);
    const records = Object.values(raw).flatMap((value) => {
      const parsed = recordSchema.safeParse(value);
      return parsed.success ? [parsed.data] : [];
    });
    const used = records.filter(
      (record) =>
        (options.includeJudge || record.source === 'vote') &&
        (!options.tag || record.tags.includes(options.tag)),
    );
    return {
      ratings: rateModels(used.flatMap((record) => record.comparisons)),
      votes: used.filter((record) => record.source === 'vote').length,
      verdicts: used.filter((record) => record.source === 'judge').length,
      includesJudge: options.includeJudge,
      tag: options.tag,
    };
  }
}
