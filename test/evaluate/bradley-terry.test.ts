import { describe, expect, it } from 'vitest';
import { type Comparison, rateModels } from '../../src/evaluate/bradley-terry.js';

const games = (a: string, b: string, winner: Comparison['winner'], times: number): Comparison[] =>
  Array.from({ length: times }, () => ({ a, b, winner }));

describe('Bradley–Terry ratings', () => {
  it('ranks by strength, not by raw wins: beating the strong counts more than beating the weak', () => {
    // weak-beater wins 9 of 10 against a weak model; strong-beater wins 6 of 10 against the best.
    const comparisons = [
      ...games('best', 'weak', 'a', 10),
      ...games('strong-beater', 'best', 'a', 6),
      ...games('strong-beater', 'best', 'b', 4),
      ...games('weak-beater', 'weak', 'a', 9),
      ...games('weak-beater', 'weak', 'b', 1),
    ];
    const ratings = rateModels(comparisons);
    expect(ratings.map((rating) => rating.modelId)).toEqual(['strong-beater', 'best', 'weak-beater', 'weak']);
    expect(ratings.find((rating) => rating.modelId === 'weak-beater')?.wins).toBe(9);
  });

  it('gives each rating a bootstrap 95% interval around it, narrower with more votes', () => {
    const few = rateModels([...games('x', 'y', 'a', 3), ...games('x', 'y', 'b', 1)]);
    const many = rateModels([...games('x', 'y', 'a', 75), ...games('x', 'y', 'b', 25)]);
    const width = (ratings: typeof few) => {
      const x = ratings.find((rating) => rating.modelId === 'x')!;
      expect(x.low).toBeLessThanOrEqual(x.rating);
      expect(x.high).toBeGreaterThanOrEqual(x.rating);
      return x.high - x.low;
    };
    expect(width(many)).toBeLessThan(width(few));
    expect(many[0]).toMatchObject({ modelId: 'x', comparisons: 100, wins: 75, ties: 0, losses: 25 });
  });

  it('counts ties as half a win to each side, and keeps an unbeaten model finite', () => {
    const tied = rateModels(games('x', 'y', 'tie', 10));
    expect(tied[0]?.rating).toBeCloseTo(1000, 6);
    expect(tied[1]?.rating).toBeCloseTo(1000, 6);
    const unbeaten = rateModels(games('x', 'y', 'a', 5));
    expect(Number.isFinite(unbeaten[0]?.rating)).toBe(true);
    expect(unbeaten[0]?.rating).toBeGreaterThan(1000);
  });

  it('reads the same on every run: the bootstrap is seeded', () => {
    const comparisons = [...games('x', 'y', 'a', 5), ...games('y', 'z', 'a', 5), ...games('x', 'z', 'b', 2)];
    expect(rateModels(comparisons)).toEqual(rateModels(comparisons));
    expect(rateModels([])).toEqual([]);
  });
});
