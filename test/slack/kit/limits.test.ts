import { describe, expect, it } from 'vitest';
import { button, clip, LIMITS, renderClipped } from '../../../src/slack/kit/limits.js';

describe('text cut to Slack’s limits', () => {
  it('is left alone when it fits, and marked with an ellipsis where it was cut', () => {
    expect(clip('Nova Micro', 10)).toBe('Nova Micro');
    expect(clip('Claude 3.5 Sonnet', 10)).toBe('Claude 3.…');
    expect(clip('Claude 3.5 Sonnet', 10)).toHaveLength(10);
  });

  it('keeps a button’s label and value within what Slack accepts', () => {
    const long = button('x'.repeat(200), 'compare_vote', 'y'.repeat(5000), 'primary');
    expect(long.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    expect(long.value?.length).toBeLessThanOrEqual(LIMITS.buttonValue);
    expect(long).toMatchObject({ action_id: 'compare_vote', style: 'primary' });
    expect(button('Vote', 'compare_vote', '1')).not.toHaveProperty('style');
  });
});

describe('a model’s answer in a message', () => {
  it('of a long answer is cut to the room there is, and says it was cut', () => {
    const answer = `${'A sentence about S3. '.repeat(400)}`;
    const shown = renderClipped(answer, 500);
    expect(shown.clipped).toBe(true);
    expect(shown.text.length).toBeLessThanOrEqual(500);
    expect(renderClipped('A short answer.', 500)).toEqual({ text: 'A short answer.', clipped: false });
  });
});
