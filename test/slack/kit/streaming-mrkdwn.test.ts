import { describe, expect, it } from 'vitest';
import { renderClipped } from '../../../src/slack/kit/limits.js';
import { toMrkdwn } from '../../../src/slack/kit/mrkdwn.js';
import { StreamingMrkdwn } from '../../../src/slack/kit/streaming-mrkdwn.js';

/** An answer shaped like a model's: headings, lists, bold, links, quotes, code with blank lines. */
const ANSWER = [
  '## Choosing a **database** on AWS',
  'It depends on the access pattern. See [the guide](https://aws.amazon.com/products/databases/).',
  '- **DynamoDB**: key-value, single-digit milliseconds\n- **Aurora**: relational, MySQL and PostgreSQL',
  '1. Start with the queries\n2. Then the sizes',
  '> Measure before you choose.',
  '```python\nimport boto3\n\nclient = boto3.client("dynamodb")\n\nprint(client.list_tables())\n```',
  'After the code, a paragraph with `inline code` and _emphasis_.',
  '- a list item\n\n  that continues after a blank line',
  '- a list\n- that turns loose\n\n- after its second item',
  '1. numbered\n\n1. lazily\n\n1. by the model',
  '**Bold** opens this paragraph, and 2024 the next one.',
  '2024 was the year. See [the pricing][prices].',
  'The end.',
  '[prices]: https://aws.amazon.com/bedrock/pricing/',
].join('\n\n');

/** The answer as a stream delivers it: a few characters at a time. */
const prefixes = (text: string, step: number) =>
  Array.from({ length: Math.ceil(text.length / step) }, (_, index) => text.slice(0, (index + 1) * step));

describe('a streaming answer rendered as it grows', () => {
  it('shows at every step what converting the whole text so far shows', () => {
    const stream = new StreamingMrkdwn();
    for (const soFar of prefixes(ANSWER, 7))
      expect(stream.render(soFar, 3000)).toEqual(renderClipped(soFar, 3000));
  });

  it('is cut to the room there is, and says so, as the whole text would be', () => {
    const long = Array.from({ length: 60 }, (_, index) => `Paragraph ${index} about **S3** buckets.`).join(
      '\n\n',
    );
    const stream = new StreamingMrkdwn();
    let last = { text: '', clipped: false };
    for (const soFar of prefixes(long, 11)) last = stream.render(soFar, 500);
    expect(last).toEqual(renderClipped(long, 500));
    expect(last.clipped).toBe(true);
    expect(last.text.length).toBeLessThanOrEqual(500);
  });

  it('converts each part of the text about once, however often it is rendered', () => {
    let convertedChars = 0;
    const stream = new StreamingMrkdwn((markdown) => {
      convertedChars += markdown.length;
      return toMrkdwn(markdown);
    });
    const answer = Array.from(
      { length: 30 },
      (_, index) => `Paragraph ${index} is about S3: ${'buckets hold objects, '.repeat(4)}and more.`,
    ).join('\n\n');
    for (const soFar of prefixes(answer, 40)) stream.render(soFar, 3000);
    // Each finished paragraph once, plus the one being written at each step; converting the whole
    // text at each step would be some 40 times its length.
    expect(convertedChars).toBeLessThan(answer.length * 4);
  });

  it('starts over when the text is not a continuation of the last one', () => {
    const stream = new StreamingMrkdwn();
    stream.render('First answer.\n\nWith **two** paragraphs.', 3000);
    expect(stream.render('Another answer.\n\n- one', 3000)).toEqual(
      renderClipped('Another answer.\n\n- one', 3000),
    );
  });
});
