import { describe, expect, it } from 'vitest';
import { mentionsIn } from '../../../src/playground/local-slack.js';
import { type ProblemKind, problem } from '../../../src/result.js';
import { problemNotice } from '../../../src/slack/kit/problem.js';

const sectionText = (message: { blocks: unknown[] }) =>
  (message.blocks[0] as { text: { text: string } }).text.text;

describe('a problem as the person sees it in Slack', () => {
  it.each<[ProblemKind, string]>([
    ['invalid', ':warning:'],
    ['limited', ':hourglass:'],
    ['forbidden', ':no_entry:'],
    ['gone', ':hourglass_flowing_sand:'],
    ['conflict', ':information_source:'],
    ['unavailable', ':warning:'],
  ])('a %s problem reads as its message after %s', (kind, icon) => {
    const message = problemNotice(problem(kind, 'That compare is too old to act on.'));
    expect(message.text).toBe('That compare is too old to act on.');
    expect(sectionText(message)).toBe(`${icon} That compare is too old to act on.`);
  });

  it('notifies the people it names on purpose and no one else', () => {
    const message = problemNotice(
      problem('forbidden', 'Only <@UOWNER> can stop this job, not <!channel> or <@UOTHER>.', {
        mentions: ['UOWNER'],
      }),
    );
    expect(new Set(mentionsIn(message))).toEqual(new Set(['<@UOWNER>']));
    expect(sectionText(message)).toBe(
      ':no_entry: Only <@UOWNER> can stop this job, not @channel or @UOTHER.',
    );
  });

  it('stays within what Slack accepts however long the message', () => {
    const message = problemNotice(problem('invalid', 'x'.repeat(5000)));
    expect(sectionText(message).length).toBeLessThanOrEqual(3000);
  });
});
