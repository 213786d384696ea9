import slackifyMarkdown from 'slackify-markdown';
import { describe, expect, it } from 'vitest';
import {
  button,
  clip,
  escapeMrkdwn,
  LIMITS,
  renderClipped,
  toMrkdwn,
} from '../../../src/slack/kit/limits.js';

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

describe('a model’s Markdown in Slack', () => {
  it('shows bold, links and lists as mrkdwn', () => {
    // Zero-width spaces around the bold let Slack see it even next to other words.
    expect(toMrkdwn('**Bedrock** is [AWS](https://aws.amazon.com)’s service:\n\n- fast\n- managed')).toBe(
      '\u200b*Bedrock*\u200b is <https://aws.amazon.com|AWS>’s service:\n\n•   fast\n•   managed',
    );
    expect(toMrkdwn('  \n')).toBe('');
  });

  it('converts as slackify-markdown itself does, each text with its own link definitions', () => {
    const texts = [
      '## Heading\n\n**Bold**, _emphasis_, ~~struck~~ and `code`.\n\n- one\n- two\n\n1. first\n2. second',
      '> a quote\n\n```python\nprint("hi")\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n<https://aws.amazon.com>',
      'See [the pricing][prices] & [S3][s3] <here>.\n\n[prices]: https://aws.amazon.com/bedrock/pricing/\n[s3]: https://aws.amazon.com/s3/',
      // The same references again, without their definitions.
      'See [the pricing][prices] & [S3][s3].',
    ];
    for (const text of texts) expect(toMrkdwn(text)).toBe(slackifyMarkdown(text).trimEnd());
  });

  it('of a long answer is cut to the room there is, and says it was cut', () => {
    const answer = `${'A sentence about S3. '.repeat(400)}`;
    const shown = renderClipped(answer, 500);
    expect(shown.clipped).toBe(true);
    expect(shown.text.length).toBeLessThanOrEqual(500);
    expect(renderClipped('A short answer.', 500)).toEqual({ text: 'A short answer.', clipped: false });
  });

  it('escapes the characters mrkdwn would read as markup, so text shows as typed', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
  });
});
