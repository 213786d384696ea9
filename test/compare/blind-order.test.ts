import { describe, expect, it } from 'vitest';
import { shuffled } from '../../src/compare/service.js';

describe('the order of a blind compare', () => {
  it('is a random permutation: over many runs every model is sometimes answer A, and none is lost', () => {
    const named = ['nova-micro', 'nova-lite', 'claude-3.5-haiku'];
    const firsts = new Set<string>();
    // With a fair shuffle a model stays out of first place 300 times in a row with odds (2/3)^300.
    for (let run = 0; run < 300; run++) {
      const order = shuffled(named);
      expect([...order].sort()).toEqual([...named].sort());
      firsts.add(order[0] ?? '');
    }
    expect(firsts).toEqual(new Set(named));
    expect(named).toEqual(['nova-micro', 'nova-lite', 'claude-3.5-haiku']);
  });
});
