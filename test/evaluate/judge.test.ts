import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RUBRIC,
  pairRequest,
  pairVerdict,
  parsePreference,
  parseScore,
  scoreRequest,
} from '../../src/evaluate/judge.js';

describe('the judge', () => {
  it('scores against the expected answer when the row has one, else against the rubric', () => {
    const withExpected = scoreRequest(
      { prompt: 'Capital of France?', expected: 'Paris' },
      'Paris.',
      DEFAULT_RUBRIC,
    );
    const withRubric = scoreRequest({ prompt: 'Write a haiku' }, 'Rain falls…', DEFAULT_RUBRIC);
    expect(withExpected.prompt).toContain('<expected_answer>\nParis\n</expected_answer>');
    expect(withExpected.prompt).not.toContain(DEFAULT_RUBRIC);
    expect(withRubric.prompt).toContain(DEFAULT_RUBRIC);
    expect(withRubric.system).toContain('Score: <a whole number from 1 to 5>');
  });

  it('keeps the default rubric in the repository, as text', () => {
    expect(DEFAULT_RUBRIC).toMatch(/^Score the answer from 1 to 5/);
  });

  it('reads a score and its reason in the shapes judges reply in', () => {
    expect(parseScore('Score: 4\nReason: Right, but long.')).toEqual({
      score: 4,
      reason: 'Right, but long.',
    });
    expect(parseScore('**Score:** 5/5\n**Reason:** exact')).toEqual({ score: 5, reason: 'exact' });
    expect(parseScore('2\nIt misses the point.')).toEqual({ score: 2, reason: 'It misses the point.' });
    expect(parseScore('Score: 9\nReason: off the scale')).toBeUndefined();
    expect(parseScore('I cannot judge this.')).toBeUndefined();
  });

  it('asks for the better of two answers, labelled A and B', () => {
    const request = pairRequest({ prompt: 'Q' }, 'first answer', 'second answer', DEFAULT_RUBRIC);
    expect(request.prompt.indexOf('<answer_A>\nfirst answer')).toBeLessThan(
      request.prompt.indexOf('<answer_B>\nsecond answer'),
    );
    expect(parsePreference('Better: B\nReason: clearer')).toBe('B');
    expect(parsePreference('Better: Answer A')).toBe('A');
    expect(parsePreference('Better: tie')).toBe('tie');
    expect(parsePreference('Both are fine')).toBeUndefined();
  });

  it('counts a judge that changes its mind with the order as a tie (position bias)', () => {
    expect(pairVerdict('A', 'B')).toBe('x');
    expect(pairVerdict('B', 'A')).toBe('y');
    expect(pairVerdict('A', 'A')).toBe('tie');
    expect(pairVerdict('B', 'B')).toBe('tie');
    expect(pairVerdict('tie', 'A')).toBe('tie');
  });
});
