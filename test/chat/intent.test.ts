import { describe, expect, it } from 'vitest';
import { readPanelIntent } from '../../src/chat/intent.js';

const KNOWN = new Set(['nova-micro', 'haiku', 'nova-2-lite', 'claude-sonnet-4.5', 'nova-lite']);
const read = (text: string) => readPanelIntent(text, (word) => KNOWN.has(word));

describe('reading a message written in the assistant panel', () => {
  it('turns "compare A and B on …" into what /compare takes', () => {
    expect(read('compare nova-micro and haiku on what makes a good code review')).toEqual({
      kind: 'compare',
      text: 'nova-micro haiku what makes a good code review',
    });
    expect(read('Compare Nova 2 Lite and Claude Sonnet 4.5 on how to explain recursion')).toEqual({
      kind: 'compare',
      text: 'nova-2-lite claude-sonnet-4.5 how to explain recursion',
    });
    expect(read('compare nova-micro, nova-lite vs haiku: name three AWS regions')).toEqual({
      kind: 'compare',
      text: 'nova-micro nova-lite haiku name three AWS regions',
    });
  });

  it('takes /compare’s own form, and its help and leaderboard', () => {
    expect(read('/compare nova-micro haiku What is S3?')).toEqual({
      kind: 'compare',
      text: 'nova-micro haiku What is S3?',
    });
    expect(read('compare leaderboard')).toEqual({ kind: 'compare', text: 'leaderboard' });
    expect(read('compare')).toEqual({ kind: 'compare', text: '' });
  });

  it('leaves a comparison of things that are not models to the conversation', () => {
    expect(read('compare Python and Java on speed')).toEqual({ kind: 'chat' });
    expect(read('Can you compare these two approaches?')).toEqual({ kind: 'chat' });
  });

  it('answers questions about customization jobs with the jobs list, filtered as asked', () => {
    expect(read('What are my running fine-tuning jobs?')).toEqual({ kind: 'jobs', text: 'running' });
    expect(read('show failed fine tuning jobs')).toEqual({ kind: 'jobs', text: 'failed' });
    expect(read('list my customization jobs')).toEqual({ kind: 'jobs', text: '' });
    expect(read('/finetune-status watch my-job')).toEqual({ kind: 'jobs', text: 'watch my-job' });
  });

  it('leaves everything else to the conversation', () => {
    expect(read('What is fine-tuning?')).toEqual({ kind: 'chat' });
    expect(read('How do I find a job in tech?')).toEqual({ kind: 'chat' });
  });
});
