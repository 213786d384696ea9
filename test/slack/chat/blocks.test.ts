import { describe, expect, it } from 'vitest';
import { blockKitError } from '../../../src/playground/local-slack.js';
import { answerMessages, streamingMessage } from '../../../src/slack/chat/blocks.js';

const footer = {
  modelName: 'Claude 3.5 Haiku',
  inputTokens: 1200,
  outputTokens: 5400,
  costUsd: 0.0226,
  conversationCostUsd: 0.05,
  stopReason: 'end_turn',
  notes: ['The 2 oldest messages of this thread were left out.'],
};

describe('a chat answer in Slack', () => {
  it('splits a long answer across messages, each valid, never inside a code block', () => {
    const code = `\`\`\`python\n${'print("hello")\n'.repeat(300)}\`\`\``;
    const answer = Array.from(
      { length: 6 },
      (_, index) => `Paragraph ${index}. ${'Prose '.repeat(400)}\n\n${code}`,
    ).join('\n\n');
    const messages = answerMessages(answer, footer);
    expect(messages.length).toBeGreaterThan(2);
    for (const message of messages) {
      expect(blockKitError(message as unknown as Record<string, unknown>)).toBeUndefined();
      const text = message.blocks
        .map((block) => ('text' in block ? (block.text as { text: string }).text : ''))
        .join('');
      expect((text.match(/```/g)?.length ?? 0) % 2).toBe(0);
      expect(message.metadata?.event_type).toBe('bedrock_slack_answer');
    }
    // Only the last message carries the notes and the figures.
    const last = JSON.stringify(messages.at(-1)?.blocks);
    expect(last).toContain('Claude 3.5 Haiku');
    expect(last).toContain('1200 in / 5400 out tokens · $0.023 · this thread so far $0.050');
    expect(last).toContain('oldest messages');
    expect(JSON.stringify(messages[0]?.blocks)).not.toContain('out tokens');
  });

  it('says when the answer was cut at max tokens, and shows an unknown price as such', () => {
    const [message] = answerMessages('Short.', { ...footer, costUsd: undefined, stopReason: 'max_tokens' });
    expect(JSON.stringify(message?.blocks)).toContain('price unknown');
    expect(JSON.stringify(message?.blocks)).toContain('cut off at the max tokens limit');
  });

  it('keeps a streaming update of a 40,000-character answer within one valid message', () => {
    const message = streamingMessage('Nova Micro', 'word '.repeat(8000));
    expect(blockKitError(message as unknown as Record<string, unknown>)).toBeUndefined();
    expect(JSON.stringify(message.blocks)).toContain('the rest follows');
  });
});
