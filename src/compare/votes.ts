import { failed, ok, problem, type Result } from '../result.js';
import { keys } from '../store/keys.js';
import type { CounterStore, DedupeStore } from '../store/types.js';
import { type Arena, tagsIn, voteComparisons } from './arena.js';
import type { Leaderboard } from './leaderboard.js';
import { type CompareRuns, EXPIRED_RUN } from './runs.js';
import type { CompareRun, Verdict } from './types.js';

/** Who judges, and from which workspace. */
export interface Judge {
  teamId: string;
  userId: string;
}

/**
 * How compares are judged. A plain compare takes "Best answer" votes, one per person; a blind one
 * takes a single verdict, from the person who ran it. Each counts once on the workspace leaderboard.
 */
export class CompareVotes {
  constructor(
    private readonly deps: {
      runs: Pick<CompareRuns, 'find' | 'findModel' | 'save'>;
      claims: DedupeStore;
      counters: CounterStore;
      leaderboard: Pick<Leaderboard, 'recordVerdict'>;
      arena: Pick<Arena, 'recordVote'>;
    },
  ) {}

  /** A "Best answer" vote for the model at `index`; returns the run and its tally of votes per model. */
  async vote(
    runId: string,
    index: number,
    voter: Judge,
  ): Promise<Result<{ run: CompareRun; tally: Record<string, number> }>> {
    const found = await this.deps.runs.findModel(runId, index, voter.teamId);
    if (!found.ok) return found;
    const { run } = found.value;
    if (run.options.blind) {
      // A blind compare is judged once, by its requester's verdict; a vote would count it again.
      return failed(
        problem(
          'conflict',
          `A blind compare has no votes: <@${run.userId}>, who ran it, picks the best answer.`,
          { mentions: [run.userId] },
        ),
      );
    }
    const vote = keys.vote(runId, voter.userId);
    if (!(await this.deps.claims.claimOnce(vote.key, vote.ttlSeconds))) {
      return failed(problem('conflict', 'You have already voted on this compare.'));
    }
    const tally = keys.voteTally(runId);
    await Promise.all([
      this.deps.counters.increment(tally.key, String(index), 1, tally.ttlSeconds),
      this.deps.leaderboard.recordVerdict(run, index),
    ]);
    return ok({ run, tally: await this.deps.counters.readCounters(tally.key) });
  }

  /**
   * A blind compare's verdict, by the person who ran it, once: the run keeps it (which reveals the
   * models and figures) and the leaderboard counts it.
   */
  async giveVerdict(runId: string, verdict: Verdict, judge: Judge): Promise<Result<CompareRun>> {
    const found = await this.deps.runs.find(runId, judge.teamId);
    if (!found.ok) return found;
    const run = found.value;
    if (!run.options.blind || (typeof verdict === 'number' && !run.models[verdict]))
      return failed(EXPIRED_RUN);
    if (run.options.arena) return this.arenaVote(run, verdict, judge);
    if (judge.userId !== run.userId) {
      return failed(
        problem(
          'forbidden',
          `Only <@${run.userId}>, who ran this blind compare, gives its verdict; the models show once they do.`,
          { mentions: [run.userId] },
        ),
      );
    }
    const claim = keys.verdict(runId);
    if (!(await this.deps.claims.claimOnce(claim.key, claim.ttlSeconds))) {
      return failed(problem('conflict', 'This blind compare already has its verdict.'));
    }
    const judged: CompareRun = { ...run, verdict: { by: judge.userId, verdict } };
    await Promise.all([this.deps.runs.save(judged), this.deps.leaderboard.recordVerdict(judged, verdict)]);
    return ok(judged);
  }

  /**
   * An arena run takes everyone's vote, once each, and stays blind: a vote becomes head-to-head
   * outcomes for the ratings, under the prompt's #tags. A timed-out or failed answer is no contender.
   */
  private async arenaVote(run: CompareRun, verdict: Verdict, judge: Judge): Promise<Result<CompareRun>> {
    if (typeof verdict === 'number' && run.models[verdict]?.status !== 'done')
      return failed(
        problem(
          'conflict',
          'That answer did not finish, so it cannot win: pick a finished one, or Tie or All bad.',
        ),
      );
    const counted = await this.deps.arena.recordVote(
      run.teamId,
      run.id,
      judge.userId,
      voteComparisons(run, verdict),
      tagsIn(run.prompt),
    );
    if (!counted)
      return failed(problem('conflict', 'You have already voted on this arena run: one vote each.'));
    return ok(run);
  }
}
