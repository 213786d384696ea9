import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8');
const lines = manifest.split('\n');
const NUMBERS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5 };

describe('manifest.yml', () => {
  it('counts, in its HTTP-mode steps, every request URL there is to uncomment', () => {
    const counted = manifest.match(/uncomment the (\w+) request URLs/)?.[1];
    const places = lines.filter((line) => /^\s*# (url|request_url): https:\/\//.test(line));
    expect(places).toHaveLength(4);
    expect(NUMBERS[counted ?? '']).toBe(places.length);
  });

  it('grants thread history wherever a thread conversation can start with a mention', () => {
    const scopes = lines
      .map((line) => line.match(/^\s+- ([a-z_.]+:[a-z_.]+|commands)\b/)?.[1])
      .filter(Boolean);
    // Rebuilding a lost thread reads conversations.replies: one scope per kind of conversation.
    expect(scopes).toEqual(
      expect.arrayContaining(['channels:history', 'groups:history', 'im:history', 'mpim:history']),
    );
  });

  it('turns App Home on and subscribes to its opening, with the scopes channel settings read members with', () => {
    expect(manifest).toMatch(/^\s+home_tab_enabled: true$/m);
    const events = manifest.split('bot_events:')[1]?.split(/\n\s+interactivity:/)[0] ?? '';
    expect(events).toMatch(/^\s+- app_home_opened\b/m);
    const scopes = lines
      .map((line) => line.match(/^\s+- ([a-z_.]+:[a-z_.]+|commands)\b/)?.[1])
      .filter(Boolean);
    expect(scopes).toEqual(expect.arrayContaining(['channels:read', 'groups:read', 'chat:write']));
  });
});
