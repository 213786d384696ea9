import { percentile, seededRandom } from './statistics.js';

/**
 * One head-to-head outcome: a person's arena vote or a judge's pairwise verdict. A tie and "both
 * bad" are both a draw between the two: neither answer was preferred.
 */
export interface Comparison {
  a: string;
  b: string;
  winner: 'a' | 'b' | 'tie';
}

export interface Rating {
  modelId: string;
  /** On the familiar Elo-like scale: 1000 is the field's average, +400 means ten times the odds. */
  rating: number;
  /** The bootstrap 95% interval of the rating. */
  low: number;
  high: number;
  /** How many comparisons the rating stands on. */
  comparisons: number;
  wins: number;
  ties: number;
  losses: number;
}

const ITERATIONS = 200;
/** One virtual draw of each model against an average opponent keeps an unbeaten model's rating finite. */
const PRIOR_DRAWS = 1;

/**
 * Bradley–Terry strengths by Hunter's MM algorithm, a draw counting half a win to each side.
 * Returns each model's strength, normalized so their geometric mean is 1.
 */
function fitStrengths(models: readonly string[], comparisons: readonly Comparison[]): Map<string, number> {
  const index = new Map(models.map((model, position) => [model, position]));
  const count = models.length;
  const wins = new Array<number>(count).fill(PRIOR_DRAWS / 2);
  // games[i][j]: comparisons between i and j.
  const games = models.map(() => new Array<number>(count).fill(0));
  for (const { a, b, winner } of comparisons) {
    const i = index.get(a) as number;
    const j = index.get(b) as number;
    (games[i] as number[])[j] = ((games[i] as number[])[j] as number) + 1;
    (games[j] as number[])[i] = ((games[j] as number[])[i] as number) + 1;
    if (winner === 'a') wins[i] = (wins[i] as number) + 1;
    else if (winner === 'b') wins[j] = (wins[j] as number) + 1;
    else {
      wins[i] = (wins[i] as number) + 0.5;
      wins[j] = (wins[j] as number) + 0.5;
    }
  }
  let strength = new Array<number>(count).fill(1);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const next = strength.map((own, i) => {
      // The prior's virtual opponent has strength 1.
      let denominator = PRIOR_DRAWS / (own + 1);
      for (let j = 0; j < count; j++) {
        const played = (games[i] as number[])[j] as number;
        if (played > 0) denominator += played / (own + (strength[j] as number));
      }
      return (wins[i] as number) / denominator;
    });
    const logMean = next.reduce((sum, value) => sum + Math.log(value), 0) / count;
    const scale = Math.exp(logMean);
    const normalized = next.map((value) => value / scale);
    const moved = normalized.reduce(
      (most, value, i) => Math.max(most, Math.abs(value - (strength[i] as number))),
      0,
    );
    strength = normalized;
    if (moved < 1e-9) break;
  }
  return new Map(models.map((model, i) => [model, strength[i] as number]));
}

const toRating = (strength: number) => 1000 + 400 * Math.log10(strength);

/**
 * Ratings from every comparison, best first, each with a 95% interval from `resamples` bootstrap
 * refits (comparisons drawn with replacement; seeded, so the same votes always give the same board).
 */
export function rateModels(comparisons: readonly Comparison[], resamples = 200, seed = 12): Rating[] {
  const models = [...new Set(comparisons.flatMap(({ a, b }) => [a, b]))].sort();
  if (models.length === 0) return [];
  const fitted = fitStrengths(models, comparisons);
  const random = seededRandom(seed);
  const samples = new Map(models.map((model) => [model, [] as number[]]));
  for (let round = 0; round < resamples; round++) {
    const drawn = comparisons.map(() => comparisons[Math.floor(random() * comparisons.length)] as Comparison);
    const refit = fitStrengths(models, drawn);
    for (const model of models) samples.get(model)?.push(toRating(refit.get(model) as number));
  }
  return models
    .map((modelId) => {
      const own = comparisons.filter(({ a, b }) => a === modelId || b === modelId);
      const wins = own.filter(({ a, winner }) => (a === modelId ? winner === 'a' : winner === 'b')).length;
      const ties = own.filter(({ winner }) => winner === 'tie').length;
      const drawn = samples.get(modelId) as number[];
      return {
        modelId,
        rating: toRating(fitted.get(modelId) as number),
        low: percentile(drawn, 2.5) ?? Number.NaN,
        high: percentile(drawn, 97.5) ?? Number.NaN,
        comparisons: own.length,
        wins,
        ties,
        losses: own.length - wins - ties,
      };
    })
    .sort((x, y) => y.rating - x.rating);
}
