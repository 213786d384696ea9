import { describe, expect, it } from 'vitest';
import { checkAttachments } from '../../src/bedrock/attachments.js';
import { documentName, toMessages } from '../../src/bedrock/messages.js';
import { fitToWindow, fitToWindowCounted } from '../../src/chat/history.js';
import type { ConversationTurn } from '../../src/store/types.js';

const user = (text: string, author?: string): ConversationTurn => ({ role: 'user', text, author });
const assistant = (text: string): ConversationTurn => ({ role: 'assistant', text });

describe('the messages a model receives', () => {
  it('merges consecutive turns of one role so the conversation alternates', () => {
    const messages = toMessages([user('a'), user('b'), assistant('c'), assistant('d'), user('e')]);
    expect(messages.map((message) => [message.role, message.content[0]])).toEqual([
      ['user', { text: 'a\n\nb' }],
      ['assistant', { text: 'c\n\nd' }],
      ['user', { text: 'e' }],
    ]);
  });

  it('names who said what only when several people speak', () => {
    expect(toMessages([user('hi', 'Ada'), assistant('hello'), user('more', 'Ada')])[2]?.content[0]).toEqual({
      text: 'more',
    });
    expect(toMessages([user('hi', 'Ada'), user('me too', 'Grace')])[0]?.content[0]).toEqual({
      text: 'Ada: hi\n\nGrace: me too',
    });
  });

  it('adds attachments to the newest turn as image and document blocks', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const [, , newest] = toMessages(
      [user('a'), assistant('b'), user('look')],
      [
        { kind: 'image', format: 'png', name: 'x.png', bytes },
        { kind: 'document', format: 'pdf', name: 'Q3 report (final)_v2.pdf', bytes },
      ],
    );
    expect(newest?.content).toEqual([
      { text: 'look' },
      { image: { format: 'png', source: { bytes } } },
      { document: { format: 'pdf', name: 'Q3 report (final) v2', source: { bytes } } },
    ]);
  });

  it('makes any file name a valid Bedrock document name', () => {
    expect(documentName('notes.md')).toBe('notes');
    expect(documentName('été—résumé!!.txt')).toBe('t r sum');
    expect(documentName('***.csv')).toBe('document');
    expect(documentName(`${'a'.repeat(300)}.txt`)).toHaveLength(200);
  });
});

describe('fitting history into a context window', () => {
  const turns = [
    user('x'.repeat(300)),
    assistant('y'.repeat(300)),
    user('z'.repeat(300)),
    assistant('w'.repeat(300)),
    user('now'),
  ];

  it('keeps everything that fits', () => {
    expect(fitToWindow(turns, 10_000)).toEqual({ turns, dropped: 0, fits: true });
  });

  it('drops the oldest turns first and starts the kept history with a user turn', () => {
    const fitted = fitToWindow(turns, 250);
    expect(fitted.fits).toBe(true);
    expect(fitted.turns[0]?.role).toBe('user');
    expect(fitted.turns.at(-1)?.text).toBe('now');
    expect(fitted.dropped).toBe(2);
  });

  it('says when even the newest turn does not fit', () => {
    const fitted = fitToWindow([user('a'.repeat(3000))], 100);
    expect(fitted.fits).toBe(false);
  });
});

describe('checking attachments against Bedrock’s limits before downloading', () => {
  const file = (name: string, mimetype: string, size = 1000) => ({ name, mimetype, size });

  it('accepts the image and document formats Bedrock reads', () => {
    const { accepted, problems } = checkAttachments([
      file('a.png', 'image/png'),
      file('b.JPG', 'image/jpeg'),
      file('c.pdf', 'application/pdf'),
      file('d.md', 'text/plain'),
    ]);
    expect(problems).toEqual([]);
    expect(accepted.map((entry) => [entry.kind, entry.format])).toEqual([
      ['image', 'png'],
      ['image', 'jpeg'],
      ['document', 'pdf'],
      ['document', 'md'],
    ]);
  });

  it('refuses, with a reason each, what Bedrock would reject', () => {
    const { accepted, problems } = checkAttachments([
      file('huge.png', 'image/png', 5 * 1024 * 1024),
      file('movie.mov', 'video/quicktime'),
      ...Array.from({ length: 6 }, (_, index) => file(`doc${index}.txt`, 'text/plain')),
    ]);
    expect(accepted).toHaveLength(5);
    expect(problems).toEqual([
      '*huge.png* is 5.0 MB; Bedrock takes images up to 3.75 MB.',
      expect.stringContaining('*movie.mov* is not a format Bedrock reads'),
      '*doc5.txt* was left out: Bedrock takes at most 5 documents a message.',
    ]);
  });
});

describe('trimming with Bedrock’s count', () => {
  // Ten turns of 300 characters: 100 tokens each by characters/3.
  const turns = Array.from({ length: 10 }, (_, index) =>
    index % 2 === 0 ? user(`${index}${'u'.repeat(299)}`) : assistant(`${index}${'a'.repeat(299)}`),
  );
  /** A model whose tokens run 4 characters each: 75 a turn. */
  const countAt4 = async (kept: ConversationTurn[]) =>
    kept.reduce((sum, turn) => sum + turn.text.length / 4, 0);

  it('does not ask while the estimate is well inside the window', async () => {
    let asked = 0;
    const window = await fitToWindowCounted(turns, 5_000, 0, async (kept) => {
      asked += 1;
      return countAt4(kept);
    });
    expect(asked).toBe(0);
    expect(window).toMatchObject({ dropped: 0, fits: true, counted: false });
  });

  it('keeps every turn the count says fits, where the estimate would drop some', async () => {
    expect(fitToWindow(turns, 800).dropped).toBeGreaterThan(0);
    const window = await fitToWindowCounted(turns, 800, 0, countAt4);
    expect(window).toMatchObject({ dropped: 0, fits: true, counted: true });
  });

  it('keeps as many newest turns as the count allows, starting with a user turn', async () => {
    const window = await fitToWindowCounted(turns, 500, 0, countAt4);
    expect(window.counted).toBe(true);
    expect(window.turns[0]?.role).toBe('user');
    expect(await countAt4(window.turns)).toBeLessThanOrEqual(500);
    expect(window.turns.length).toBeGreaterThan(fitToWindow(turns, 500).turns.length);
  });

  it('falls back to the estimate when the model cannot count', async () => {
    const window = await fitToWindowCounted(turns, 500, 0, async () => undefined);
    expect(window).toEqual({ ...fitToWindow(turns, 500), counted: false });
  });
});
