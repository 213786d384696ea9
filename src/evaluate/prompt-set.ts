import { CsvError, parse } from 'csv-parse/sync';
import { failed, ok, problem, type Result } from '../result.js';
import { type Check, parseChecks } from './checks.js';

/**
 * A prompt set: the rows an evaluation runs on every model. CSV (with a header row) or JSONL (one
 * object a line), with a `prompt` column and optional `expected`, `system`, `tags` and `checks`.
 */
export interface PromptRow {
  /** Where the row is in the file, as a person counts: the CSV's data row or the JSONL's line. */
  row: number;
  prompt: string;
  expected?: string;
  system?: string;
  tags: string[];
  checks: Check[];
}

const COLUMNS = ['prompt', 'expected', 'system', 'tags', 'checks'] as const;
type Column = (typeof COLUMNS)[number];

type SetFormat = 'csv' | 'jsonl';

/** The format a file name promises; undefined for anything else (a PDF, a spreadsheet, a JSON array). */
function promptSetFormat(fileName: string): SetFormat | undefined {
  const extension = fileName.toLowerCase().split('.').pop();
  if (extension === 'csv') return 'csv';
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  return undefined;
}

const invalid = (message: string) => failed(problem('invalid', message));

/** `tags` as written: `coding, math` or `#coding #math`, or a JSON list. */
function tagsOf(value: unknown): string[] {
  const words = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,]+/);
  return [...new Set(words.map((tag) => tag.replace(/^#/, '').trim().toLowerCase()).filter(Boolean))];
}

/** One row's fields, already read from the file, checked as a row: the message names row and column. */
function toRow(where: string, row: number, fields: Partial<Record<Column, unknown>>): Result<PromptRow> {
  const text = (column: Column) => {
    const value = fields[column];
    return value === undefined || value === null || String(value).trim() === '' ? undefined : String(value);
  };
  const prompt = text('prompt');
  if (prompt === undefined) return invalid(`${where}, column \`prompt\`: the prompt is empty.`);
  const checksWritten = fields.checks;
  const checks = parseChecks(
    Array.isArray(checksWritten) ? checksWritten.map(String) : String(checksWritten ?? ''),
  );
  if (!checks.ok) return invalid(`${where}, column \`checks\`: ${checks.problem}.`);
  return ok({
    row,
    prompt,
    expected: text('expected'),
    system: text('system'),
    tags: tagsOf(fields.tags),
    checks: checks.value,
  });
}

function parseCsv(name: string, text: string): Result<PromptRow[]> {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_quotes: false });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      return invalid(
        `\`${name}\` is not valid CSV${line ? ` at line ${line}` : ''}: ${error.message.replace(/^Invalid Record Length: /, '')}`,
      );
    }
    throw error;
  }
  const [header, ...data] = records;
  if (!header)
    return invalid(
      `\`${name}\` is empty: it needs a header row with a \`prompt\` column, then one row per prompt.`,
    );
  const columns = header.map((cell) => cell.trim().toLowerCase());
  if (!columns.includes('prompt'))
    return invalid(
      `\`${name}\` has no \`prompt\` column: its header row reads ${header.map((cell) => `\`${cell}\``).join(', ')}. Name the column of prompts \`prompt\`.`,
    );
  const rows: PromptRow[] = [];
  for (const [index, cells] of data.entries()) {
    // Data row 1 is line 2 of the file, under the header: both are named, so either can be found.
    const where = `Row ${index + 1} (line ${index + 2})`;
    const fields: Partial<Record<Column, unknown>> = {};
    for (const [position, column] of columns.entries())
      if ((COLUMNS as readonly string[]).includes(column)) fields[column as Column] = cells[position];
    const row = toRow(where, index + 1, fields);
    if (!row.ok) return row;
    rows.push(row.value);
  }
  return ok(rows);
}

function parseJsonl(name: string, text: string): Result<PromptRow[]> {
  const rows: PromptRow[] = [];
  for (const [index, line] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    if (line.trim() === '') continue;
    const where = `Line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return invalid(`\`${name}\` line ${index + 1} is not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return invalid(
        `\`${name}\` line ${index + 1} is not a JSON object: each line needs \`{"prompt": "…"}\`.`,
      );
    const fields = value as Record<string, unknown>;
    if (!('prompt' in fields))
      return invalid(
        `\`${name}\` line ${index + 1} has no \`prompt\` field: each line needs \`{"prompt": "…"}\`.`,
      );
    if (typeof fields.prompt !== 'string')
      return invalid(`${where}, field \`prompt\`: it must be text, not ${JSON.stringify(fields.prompt)}.`);
    const row = toRow(where, index + 1, fields);
    if (!row.ok) return row;
    rows.push(row.value);
  }
  return ok(rows);
}

/** A file's rows, checked: the first problem is told with its row and column, and none is guessed at. */
export function parsePromptSet(name: string, text: string, maxRows: number): Result<PromptRow[]> {
  const format = promptSetFormat(name);
  if (!format)
    return invalid(
      `\`${name}\` is not a prompt set: attach a \`.csv\` file with a \`prompt\` column, or a \`.jsonl\` file with one \`{"prompt": "…"}\` a line.`,
    );
  const parsed = format === 'csv' ? parseCsv(name, text) : parseJsonl(name, text);
  if (!parsed.ok) return parsed;
  if (parsed.value.length === 0) return invalid(`\`${name}\` has no prompts: add at least one row.`);
  if (parsed.value.length > maxRows)
    return invalid(
      `\`${name}\` has ${parsed.value.length} prompts; an evaluation takes at most ${maxRows} (EVAL_MAX_ROWS). Split the set, or run a sample.`,
    );
  return parsed;
}
