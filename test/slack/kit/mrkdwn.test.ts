import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, toMrkdwn } from '../../../src/slack/kit/mrkdwn.js';

const ZWSP = '\u200b';

describe('a model’s Markdown as Slack shows it', () => {
  it('shows bold, italics, strikethrough, code and links as mrkdwn', () => {
    // Zero-width spaces around a run let Slack see it even next to other letters.
    expect(toMrkdwn('**Bedrock** is [AWS](https://aws.amazon.com)’s _managed_ ~~slow~~ `api`.')).toBe(
      `${ZWSP}*Bedrock*${ZWSP} is <https://aws.amazon.com|AWS>’s ${ZWSP}_managed_${ZWSP} ${ZWSP}~slow~${ZWSP} \`api\`.`,
    );
  });

  it('shows headings as bold lines, without bold inside bold', () => {
    expect(toMrkdwn('## Choosing a **database**\n\nText.')).toBe('*Choosing a database*\n\nText.');
  });

  it('shows lists with bullets and numbers, nested ones indented, task boxes as boxes', () => {
    expect(toMrkdwn('- fast\n- managed\n  - nested')).toBe('• fast\n• managed\n    • nested');
    expect(toMrkdwn('3. third\n4. fourth')).toBe('3. third\n4. fourth');
    expect(toMrkdwn('- [ ] to do\n- [x] done')).toBe('• ☐ to do\n• ☑ done');
    expect(toMrkdwn('1. first\n\n   more about it\n2. second')).toBe(
      '1. first\n\n    more about it\n\n2. second',
    );
  });

  it('keeps code blocks as code, with what mrkdwn would read as markup escaped', () => {
    expect(toMrkdwn('```python\nif a < b:\n\n    print("&")\n```')).toBe(
      '```\nif a &lt; b:\n\n    print("&amp;")\n```',
    );
    expect(toMrkdwn('    indented code')).toBe('```\nindented code\n```');
  });

  it('shows quotes, rules and hard line breaks without Markdown’s own escapes', () => {
    expect(toMrkdwn('> Measure\n> first.\n\n---\n\nline  \nbreak')).toBe(
      '> Measure\n> first.\n\n──────────\n\nline\nbreak',
    );
  });

  it('lines a table up in a code block, since Slack has no tables', () => {
    expect(toMrkdwn('| model | cost |\n|---|---:|\n| **nova** | $0.1 |')).toBe(
      '```\n| model | cost |\n|-------|------|\n| nova  | $0.1 |\n```',
    );
  });

  it('links only web and mail addresses, and resolves reference links', () => {
    expect(toMrkdwn('See https://aws.amazon.com/bedrock and [mail](mailto:a@example.com).')).toBe(
      'See <https://aws.amazon.com/bedrock> and <mailto:a@example.com|mail>.',
    );
    expect(toMrkdwn('[click](javascript:alert(1))')).toBe('click');
    expect(toMrkdwn('See [the pricing][prices].\n\n[prices]: https://aws.amazon.com/bedrock/pricing/')).toBe(
      'See <https://aws.amazon.com/bedrock/pricing/|the pricing>.',
    );
    expect(toMrkdwn('See [the pricing][prices].')).toBe('See [the pricing][prices].');
  });

  it('never lets a model’s text disguise a link, and leaves mentions for the message to defuse', () => {
    expect(toMrkdwn('Hi <@U0123> and <!channel>, see <https://evil.example|here>')).toBe(
      'Hi <@U0123> and <!channel>, see <https://evil.example%7Chere>',
    );
    expect(toMrkdwn('<b>bold</b> 5 < 6 && 7 > 3')).toBe(
      '&lt;b&gt;bold&lt;/b&gt; 5 &lt; 6 &amp;&amp; 7 &gt; 3',
    );
  });

  it('shows the characters HTML entities stand for, escaped once', () => {
    expect(toMrkdwn('AT&amp;T &#8212; 5 &lt; 6')).toBe('AT&amp;T — 5 &lt; 6');
  });

  it('is empty for blank text', () => {
    expect(toMrkdwn('  \n')).toBe('');
  });

  it('escapes the characters mrkdwn would read as markup, so text shows as typed', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
  });
});
