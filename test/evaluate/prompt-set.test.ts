import { describe, expect, it } from 'vitest';
import { parsePromptSet } from '../../src/evaluate/prompt-set.js';

const problemOf = (result: ReturnType<typeof parsePromptSet>) =>
  result.ok ? undefined : result.problem.message;

describe('prompt sets', () => {
  it('reads a CSV with quoted cells, commas and line breaks inside them, tags and checks', () => {
    const csv =
      'prompt,expected,tags,checks\n' +
      '"Capital of France, in one word?",Paris,"geo, #easy",contains:Paris\n' +
      '"Write a haiku\nabout rain",,poetry,\n';
    const parsed = parsePromptSet('set.csv', csv, 500);
    expect(parsed).toEqual({
      ok: true,
      value: [
        {
          row: 1,
          prompt: 'Capital of France, in one word?',
          expected: 'Paris',
          system: undefined,
          tags: ['geo', 'easy'],
          checks: [{ kind: 'contains', text: 'Paris' }],
        },
        {
          row: 2,
          prompt: 'Write a haiku\nabout rain',
          expected: undefined,
          system: undefined,
          tags: ['poetry'],
          checks: [],
        },
      ],
    });
  });

  it('reads JSONL with lists of tags and checks', () => {
    const jsonl =
      '{"prompt":"2+2?","expected":"4","tags":["math"],"checks":["equals:4","max-latency:3s"]}\n\n{"prompt":"Hi","system":"Be brief."}\n';
    const parsed = parsePromptSet('set.jsonl', jsonl, 500);
    expect(
      parsed.ok && parsed.value.map((row) => [row.row, row.tags, row.checks.length, row.system]),
    ).toEqual([
      [1, ['math'], 2, undefined],
      [3, [], 0, 'Be brief.'],
    ]);
  });

  it('refuses a file that is neither CSV nor JSONL', () => {
    expect(problemOf(parsePromptSet('notes.pdf', '%PDF', 500))).toContain(
      '`notes.pdf` is not a prompt set: attach a `.csv`',
    );
  });

  it('names the header when there is no prompt column', () => {
    expect(problemOf(parsePromptSet('set.csv', 'question,answer\nHi,Hello\n', 500))).toBe(
      '`set.csv` has no `prompt` column: its header row reads `question`, `answer`. Name the column of prompts `prompt`.',
    );
  });

  it('refuses an empty set, and a set over the row limit', () => {
    expect(problemOf(parsePromptSet('set.csv', 'prompt\n', 500))).toBe(
      '`set.csv` has no prompts: add at least one row.',
    );
    expect(problemOf(parsePromptSet('set.csv', '', 500))).toContain('`set.csv` is empty');
    const many = `prompt\n${'hello\n'.repeat(3)}`;
    expect(problemOf(parsePromptSet('set.csv', many, 2))).toBe(
      '`set.csv` has 3 prompts; an evaluation takes at most 2 (EVAL_MAX_ROWS). Split the set, or run a sample.',
    );
  });

  it('names row and column of an empty prompt and of a bad check', () => {
    expect(problemOf(parsePromptSet('set.csv', 'prompt,checks\nHi,\n ,\n', 500))).toBe(
      'Row 2 (line 3), column `prompt`: the prompt is empty.',
    );
    expect(problemOf(parsePromptSet('set.csv', 'prompt,checks\nHi,regex:[a-\n', 500))).toContain(
      'Row 1 (line 2), column `checks`: the regex `[a-` does not compile',
    );
    expect(
      problemOf(parsePromptSet('set.jsonl', '{"prompt":"a"}\n{"prompt":"b","checks":"regex:("}', 500)),
    ).toContain('Line 2, column `checks`: the regex `(` does not compile');
  });

  it('names the line of a CSV row with the wrong number of cells, and of a JSONL line that is not JSON', () => {
    expect(problemOf(parsePromptSet('set.csv', 'prompt,expected\nHi,Hello\nOne,two,three\n', 500))).toMatch(
      /^`set\.csv` is not valid CSV at line 3/,
    );
    expect(problemOf(parsePromptSet('set.jsonl', '{"prompt":"a"}\n{prompt: b}\n', 500))).toMatch(
      /^`set\.jsonl` line 2 is not JSON/,
    );
    expect(problemOf(parsePromptSet('set.jsonl', '{"question":"a"}\n', 500))).toBe(
      '`set.jsonl` line 1 has no `prompt` field: each line needs `{"prompt": "…"}`.',
    );
  });
});
