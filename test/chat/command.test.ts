import { describe, expect, it } from 'vitest';
import { type ChatCommand, parseChatCommand } from '../../src/chat/command.js';

describe('what a message to the bot asks for', () => {
  it.each<[string, boolean, ChatCommand]>([
    ['use nova-lite', false, { kind: 'use', model: 'nova-lite', asDefault: false }],
    ['switch to `claude-3.5-haiku`', false, { kind: 'use', model: 'claude-3.5-haiku', asDefault: false }],
    ['use nova-lite as default', false, { kind: 'use', model: 'nova-lite', asDefault: true }],
    ['Use nova-lite as my default', false, { kind: 'use', model: 'nova-lite', asDefault: true }],
    ['model', false, { kind: 'which-model' }],
    ['which model?', false, { kind: 'which-model' }],
    ['forget', false, { kind: 'forget' }],
    ['Start over', false, { kind: 'forget' }],
    ['reset', false, { kind: 'forget' }],
    ['help', false, { kind: 'help' }],
    ['', false, { kind: 'help' }],
    // A file alone is something to talk about.
    ['', true, { kind: 'turn', text: '' }],
    // Sentences that start like a command are questions for the model.
    ['use nova-lite to summarise this', false, { kind: 'turn', text: 'use nova-lite to summarise this' }],
    ['which model is best for code?', false, { kind: 'turn', text: 'which model is best for code?' }],
    ['forget everything I said about S3', false, { kind: 'turn', text: 'forget everything I said about S3' }],
    ['help me write a haiku', false, { kind: 'turn', text: 'help me write a haiku' }],
  ])('%j (files: %s) → %j', (text, hasFiles, expected) => {
    expect(parseChatCommand(text, hasFiles)).toEqual(expected);
  });
});
