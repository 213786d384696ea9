/** What a message to the bot asks for, once the bot's mention is taken out of it. */
export type ChatCommand =
  | { kind: 'use'; model: string; asDefault: boolean }
  | { kind: 'which-model' }
  | { kind: 'forget' }
  | { kind: 'help' }
  | { kind: 'turn'; text: string };

export function parseChatCommand(text: string, hasFiles: boolean): ChatCommand {
  const use = text.match(/^(?:use|switch to)\s+`?([^\s`]+)`?(\s+as (?:my )?default)?\s*$/i);
  if (use?.[1]) return { kind: 'use', model: use[1], asDefault: use[2] !== undefined };
  if (/^(?:model|which model)\??$/i.test(text)) return { kind: 'which-model' };
  if (/^(?:forget|reset|start over)$/i.test(text)) return { kind: 'forget' };
  // A file alone is something to talk about; nothing at all is a question about the bot.
  if (/^help$/i.test(text) || (text === '' && !hasFiles)) return { kind: 'help' };
  return { kind: 'turn', text };
}
