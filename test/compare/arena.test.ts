import { describe, expect, it } from 'vitest';
import { Arena, tagsIn, voteComparisons } from '../../src/compare/arena.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { compareRun, modelRun } from './fixtures.js';

const three = () => compareRun([modelRun('a'), modelRun('b'), modelRun('c', { status: 'timed-out' })]);

describe('the arena', () => {
  it('turns a pick into wins over the other finished models, and a tie or all bad into draws', () => {
    const run = three();
    expect(voteComparisons(run, 1)).toEqual([{ a: 'a', b: 'b', winner: 'b' }]);
    expect(voteComparisons(run, 'tie')).toEqual([{ a: 'a', b: 'b', winner: 'tie' }]);
    expect(voteComparisons(run, 'bad')).toEqual([{ a: 'a', b: 'b', winner: 'tie' }]);
  });

  it('counts two service tiers of one model as that model: never a contest with itself, each pair once', () => {
    const run = compareRun([
      modelRun('gpt-oss', { label: 'gpt-oss@flex', serviceTier: 'flex' }),
      modelRun('gpt-oss', { label: 'gpt-oss@priority', serviceTier: 'priority' }),
      modelRun('haiku'),
    ]);
    expect(voteComparisons(run, 1)).toEqual([{ a: 'gpt-oss', b: 'haiku', winner: 'a' }]);
    expect(voteComparisons(run, 2)).toEqual([{ a: 'gpt-oss', b: 'haiku', winner: 'b' }]);
    expect(voteComparisons(run, 'tie')).toEqual([{ a: 'gpt-oss', b: 'haiku', winner: 'tie' }]);
  });

  it('reads #tags in a prompt', () => {
    expect(tagsIn('Write SQL #sql #Data-Eng, not C#')).toEqual(['sql', 'data-eng']);
  });

  it('counts one vote per person per run, and judge verdicts only when asked, saying which', async () => {
    const arena = new Arena(storeOn(new MemoryBackend()));
    expect(await arena.recordVote('T1', 'run-1', 'U1', [{ a: 'x', b: 'y', winner: 'a' }], ['sql'])).toBe(
      true,
    );
    expect(await arena.recordVote('T1', 'run-1', 'U1', [{ a: 'x', b: 'y', winner: 'b' }], ['sql'])).toBe(
      false,
    );
    await arena.recordJudged('T1', 'E1', [
      { unit: 'p:1:0:1', comparison: { a: 'x', b: 'y', winner: 'b' }, tags: ['sql'] },
      { unit: 'p:2:0:1', comparison: { a: 'x', b: 'y', winner: 'b' }, tags: ['math'] },
    ]);
    const votesOnly = await arena.board('T1', { includeJudge: false });
    expect(votesOnly).toMatchObject({ votes: 1, verdicts: 0, includesJudge: false });
    expect(votesOnly.ratings[0]?.modelId).toBe('x');
    const withJudge = await arena.board('T1', { tag: 'sql', includeJudge: true });
    expect(withJudge).toMatchObject({ votes: 1, verdicts: 1, includesJudge: true, tag: 'sql' });
    expect(withJudge.ratings.find((rating) => rating.modelId === 'x')?.comparisons).toBe(2);
  });
});
