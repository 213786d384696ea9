import { describe, expect, it } from 'vitest';
import { parseCompareText, type WordKind } from '../../src/compare/parse.js';

const KNOWN = new Set([
  'nova-micro',
  'nova-lite',
  'sonnet',
  'claude-3.5-sonnet',
  'llama3-70b',
  'amazon.nova-micro-v1:0',
  'us.anthropic.claude-3-5-haiku-20241022-v1:0',
]);
const classify = (word: string): WordKind => {
  if (KNOWN.has(word.toLowerCase())) return 'model';
  return /^[a-z0-9]+(?:[.:_-][a-z0-9]+)+$/i.test(word) && word.includes('nova') ? 'unknown-model' : 'text';
};

describe('reading /compare text', () => {
  it.each([
    [
      'nova-micro claude-3.5-sonnet What are the top AWS services?',
      ['nova-micro', 'claude-3.5-sonnet'],
      'What are the top AWS services?',
    ],
    ['nova-micro,sonnet,llama3-70b Explain RAG', ['nova-micro', 'sonnet', 'llama3-70b'], 'Explain RAG'],
    ['nova-micro, sonnet Explain RAG', ['nova-micro', 'sonnet'], 'Explain RAG'],
    [
      'amazon.nova-micro-v1:0 us.anthropic.claude-3-5-haiku-20241022-v1:0 hi',
      ['amazon.nova-micro-v1:0', 'us.anthropic.claude-3-5-haiku-20241022-v1:0'],
      'hi',
    ],
    ['What is the capital of France?', [], 'What is the capital of France?'],
    ['nova-micro sonnet  multi\nline\nprompt', ['nova-micro', 'sonnet'], 'multi\nline\nprompt'],
  ])('%j → models %j, prompt %j', (text, models, prompt) => {
    const command = parseCompareText(text, classify);
    expect(command).toMatchObject({ kind: 'run', models, prompt });
  });

  it.each([
    [
      '--max-tokens 512 --temperature 0.2 nova-micro sonnet hi',
      { maxTokens: 512, temperature: 0.2, blind: false },
    ],
    ['nova-micro sonnet --system "Answer in one sentence" hi', { system: 'Answer in one sentence' }],
    ['nova-micro sonnet --system “Be brief” hi', { system: 'Be brief' }],
    ['--blind nova-micro sonnet hi', { blind: true }],
    ['--arena nova-micro sonnet hi #coding', { blind: true, arena: true }],
    ['--max-latency 2s --max-cost $0.01 nova-micro sonnet hi', { maxLatencyMs: 2000, maxCostUsd: 0.01 }],
    ['--max-latency 800ms nova-micro sonnet hi', { maxLatencyMs: 800 }],
  ])('%j reads its options', (text, options) => {
    const command = parseCompareText(text, classify);
    expect(command.kind).toBe('run');
    expect(command.kind === 'run' && command.options).toMatchObject(options);
  });

  it.each([
    ['', { kind: 'modal' }],
    ['   ', { kind: 'modal' }],
    ['help', { kind: 'help' }],
    ['--help', { kind: 'help' }],
    ['leaderboard', { kind: 'leaderboard', includeJudge: false }],
    ['leaderboard #Coding --judge', { kind: 'leaderboard', tag: 'coding', includeJudge: true }],
    ['nova-micro sonnet', { kind: 'error', message: expect.stringContaining('Add a prompt') }],
    ['nova-micro sonnet --max-tokens', { kind: 'error', message: expect.stringContaining('needs a value') }],
    ['--max-tokens lots nova-micro hi', { kind: 'error', message: expect.stringContaining('whole number') }],
    ['--max-tokens 0 nova-micro hi', { kind: 'error', message: expect.stringContaining('whole number') }],
    ['--temperature 3 nova-micro hi', { kind: 'error', message: expect.stringContaining('from 0 to 1') }],
    [
      '--system "unclosed nova-micro hi',
      { kind: 'error', message: expect.stringContaining('needs a value') },
    ],
    [
      '--verbose nova-micro hi',
      { kind: 'error', message: expect.stringContaining('Unknown option `--verbose`') },
    ],
    ['--max-latency soon nova-micro hi', { kind: 'error', message: expect.stringContaining('duration') }],
    ['nova-mikro sonnet hi', { kind: 'unknown-model', word: 'nova-mikro' }],
    ['nova-micro,gpt-5 hi', { kind: 'unknown-model', word: 'gpt-5' }],
    ['nosuchmodel nova-lite hi', { kind: 'unknown-model', word: 'nosuchmodel' }],
    ['nova-lite nosuchmodel,sonnet hi', { kind: 'unknown-model', word: 'nosuchmodel' }],
    ['explain nova-lite pricing', { kind: 'run', models: [], prompt: 'explain nova-lite pricing' }],
    ['Nosuch nova-lite hi', { kind: 'run', models: [], prompt: 'Nosuch nova-lite hi' }],
  ])('%j → %j', (text, expected) => {
    expect(parseCompareText(text, classify)).toMatchObject(expected);
  });
});
