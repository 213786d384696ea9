import { beforeEach, describe, expect, it } from 'vitest';
import { Arena } from '../../src/compare/arena.js';
import { Leaderboard } from '../../src/compare/leaderboard.js';
import { CompareRuns } from '../../src/compare/runs.js';
import type { CompareRun } from '../../src/compare/types.js';
import { CompareVotes } from '../../src/compare/votes.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { compareRun, modelRun } from './fixtures.js';

describe('votes and verdicts on a compare', () => {
  let store: Store;
  let runs: CompareRuns;
  let leaderboard: Leaderboard;
  let votes: CompareVotes;

  beforeEach(() => {
    store = storeOn(new MemoryBackend());
    runs = new CompareRuns(store, { warn: () => {} });
    leaderboard = new Leaderboard(store);
    votes = new CompareVotes({ runs, claims: store, counters: store, leaderboard, arena: new Arena(store) });
  });

  async function stored(overrides: Partial<CompareRun> = {}): Promise<CompareRun> {
    const run = compareRun([modelRun('nova-micro'), modelRun('nova-lite')], overrides);
    // As a finished compare is: stored, and booked on the leaderboard.
    await Promise.all([runs.save(run), leaderboard.recordRun(run)]);
    return run;
  }

  const wins = async () =>
    Object.fromEntries(
      (await leaderboard.standings('T1'))
        .filter((standing) => standing.wins > 0)
        .map((standing) => [standing.modelId, standing.wins]),
    );

  it('counts one vote per person per compare, for the run’s tally and the leaderboard', async () => {
    const run = await stored();

    const first = await votes.vote(run.id, 1, { teamId: 'T1', userId: 'U2' });
    const again = await votes.vote(run.id, 0, { teamId: 'T1', userId: 'U2' });
    const other = await votes.vote(run.id, 1, { teamId: 'T1', userId: 'U3' });

    expect(first).toMatchObject({ ok: true, value: { tally: { '1': 1 } } });
    expect(again).toMatchObject({
      ok: false,
      problem: { kind: 'conflict', message: 'You have already voted on this compare.' },
    });
    expect(other).toMatchObject({ ok: true, value: { tally: { '1': 2 } } });
    expect(await wins()).toEqual({ 'nova-lite': 2 });
  });

  it('takes no votes on a blind compare, whose requester alone judges it', async () => {
    const run = await stored({ options: { blind: true }, userId: 'UOWNER' });

    const vote = await votes.vote(run.id, 0, { teamId: 'T1', userId: 'U2' });

    expect(vote).toMatchObject({
      ok: false,
      problem: {
        message: expect.stringContaining('A blind compare has no votes: <@UOWNER>'),
        mentions: ['UOWNER'],
      },
    });
    expect(await wins()).toEqual({});
  });

  it('acts on nothing from another workspace, nor on a model the run does not have', async () => {
    const run = await stored();

    for (const outcome of [
      await votes.vote(run.id, 0, { teamId: 'T2', userId: 'U2' }),
      await votes.vote(run.id, 7, { teamId: 'T1', userId: 'U2' }),
      await votes.vote('no-such-run', 0, { teamId: 'T1', userId: 'U2' }),
    ]) {
      expect(outcome).toMatchObject({
        ok: false,
        problem: { kind: 'gone', message: expect.stringContaining('too old') },
      });
    }
    expect(await wins()).toEqual({});
  });

  it('takes a blind compare’s verdict once, from its requester only, and keeps it on the run', async () => {
    const run = await stored({ options: { blind: true }, userId: 'UOWNER' });

    const someoneElse = await votes.giveVerdict(run.id, 0, { teamId: 'T1', userId: 'U2' });
    const verdict = await votes.giveVerdict(run.id, 1, { teamId: 'T1', userId: 'UOWNER' });
    const second = await votes.giveVerdict(run.id, 0, { teamId: 'T1', userId: 'UOWNER' });

    expect(someoneElse).toMatchObject({
      ok: false,
      problem: { kind: 'forbidden', message: expect.stringContaining('Only <@UOWNER>') },
    });
    expect(verdict).toMatchObject({ ok: true, value: { verdict: { by: 'UOWNER', verdict: 1 } } });
    expect(second).toMatchObject({
      ok: false,
      problem: { message: 'This blind compare already has its verdict.' },
    });
    expect(await runs.find(run.id, 'T1')).toMatchObject({ ok: true, value: { verdict: { verdict: 1 } } });
    expect(await wins()).toEqual({ 'nova-lite': 1 });
  });

  it('counts a tie as a contest for every finished model and a win for none', async () => {
    const run = await stored({ options: { blind: true } });

    await votes.giveVerdict(run.id, 'tie', { teamId: 'T1', userId: 'U1' });

    const standings = await leaderboard.standings('T1');
    expect(standings.map(({ modelId, wins, contests }) => ({ modelId, wins, contests }))).toEqual([
      { modelId: 'nova-micro', wins: 0, contests: 1 },
      { modelId: 'nova-lite', wins: 0, contests: 1 },
    ]);
  });

  it('gives no verdict on a compare that was not blind', async () => {
    const run = await stored();
    const verdict = await votes.giveVerdict(run.id, 0, { teamId: 'T1', userId: 'U1' });
    expect(verdict).toMatchObject({ ok: false, problem: { kind: 'gone' } });
  });
});
