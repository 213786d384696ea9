import { describe, expect, it } from 'vitest';
import { markStableHistory, promptCachingOf } from '../../src/bedrock/prompt-caching.js';

describe('which models cache', () => {
  it('knows a model through its inference profile, and leaves out the models without caching', () => {
    expect(promptCachingOf('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual({ minTokens: 2_048 });
    expect(promptCachingOf('amazon.nova-micro-v1:0')).toEqual({ minTokens: 1_000 });
    expect(promptCachingOf('meta.llama3-70b-instruct-v1:0')).toBeUndefined();
  });
});

describe('markStableHistory', () => {
  it('puts a cache point after the two answers before the newest question, and nowhere else', () => {
    const text = (role: 'user' | 'assistant', value: string) => ({ role, content: [{ text: value }] });
    const marked = markStableHistory([
      text('user', 'q1'),
      text('assistant', 'a1'),
      text('user', 'q2'),
      text('assistant', 'a2'),
      text('user', 'q3'),
      text('assistant', 'a3'),
      text('user', 'q4'),
    ]);
    expect(marked.map((message) => message.content.length)).toEqual([1, 1, 1, 2, 1, 2, 1]);
    expect(marked[5]?.content[1]).toEqual({ cachePoint: { type: 'default' } });
    expect(markStableHistory([text('user', 'only')])[0]?.content).toHaveLength(1);
  });
});

describe('what is invoked decides', () => {
  it('sends no cache point to a custom model reached through its ARN', () => {
    expect(
      promptCachingOf('arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc123'),
    ).toBeUndefined();
    expect(promptCachingOf('global.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({ minTokens: 1_024 });
  });
});

describe('a reasoning block at the end of an answer', () => {
  it('gets no cache point after it, which Bedrock would refuse', () => {
    const marked = markStableHistory([
      { role: 'user', content: [{ text: 'q1' }] },
      {
        role: 'assistant',
        content: [{ reasoningContent: { reasoningText: { text: 'hmm', signature: 's' } } }],
      },
      { role: 'user', content: [{ text: 'q2' }] },
    ]);
    expect(marked[1]?.content).toHaveLength(1);
  });
});
