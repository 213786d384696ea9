import { describe, expect, it } from 'vitest';
import { meanInterval, percentile } from '../../src/evaluate/statistics.js';

describe('statistics', () => {
  it('gives a mean with its 95% interval from Student t', () => {
    // mean 3, sample sd 1.5811, n 5: half-width 2.776 × 1.5811 / √5 = 1.963
    const interval = meanInterval([1, 2, 3, 4, 5]);
    expect(interval?.mean).toBe(3);
    expect(interval?.low).toBeCloseTo(1.037, 3);
    expect(interval?.high).toBeCloseTo(4.963, 3);
  });

  it('uses the normal 1.96 past 31 values, and has no interval for one value or none', () => {
    const values = Array.from({ length: 100 }, (_, index) => index % 2);
    const interval = meanInterval(values);
    expect(interval && interval.high - interval.mean).toBeCloseTo(1.96 * Math.sqrt(0.25252525 / 100), 4);
    expect(meanInterval([4])).toEqual({ mean: 4, low: 4, high: 4, n: 1 });
    expect(meanInterval([])).toBeUndefined();
  });

  it('interpolates percentiles between ranks', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(values, 50)).toBe(55);
    expect(percentile(values, 95)).toBeCloseTo(95.5, 6);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});
