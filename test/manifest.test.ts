import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const manifest = readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8');
// Slack's own schema (github.com/slackapi/manifest-schema, schemas/manifest.schema.1.0.0.json at
// v0.5.0), which applies to a manifest without `_metadata.major_version`, as ours is.
const schema = JSON.parse(
  readFileSync(new URL('./support/slack-manifest.schema.1.0.0.json', import.meta.url), 'utf8'),
);
// The schema carries `_note` annotations and a `uri` format, which strict mode would refuse.
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
const lines = manifest.split('\n');
const NUMBERS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5 };

describe('manifest.yml', () => {
  it('counts, in its HTTP-mode steps, every request URL there is to uncomment', () => {
    const counted = manifest.match(/uncomment the (\w+) request URLs/)?.[1];
    const places = lines.filter((line) => /^\s*# (url|request_url): https:\/\//.test(line));
    expect(places).toHaveLength(5);
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

  it('turns App Home on, subscribes to its opening, and lets channel settings read a channel’s members', () => {
    const parsed = parse(manifest) as {
      features: { app_home: { home_tab_enabled: boolean } };
      oauth_config: { scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[] } };
    };
    expect(parsed.features.app_home.home_tab_enabled).toBe(true);
    expect(parsed.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    // conversations.members, so only a channel's members set its defaults from App Home.
    expect(parsed.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:read', 'groups:read']));
  });

  it("validates against Slack's manifest schema, and the schema refuses what Slack refuses", () => {
    const parsed = parse(manifest) as Record<string, Record<string, unknown>>;
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    // A misspelt feature would be dropped by a lax check; Slack's schema names it.
    expect(validate({ ...parsed, features: { ...parsed.features, assistant_veiw: {} } })).toBe(false);
  });

  it('opens the assistant panel with at most the four prompts Slack shows, and asks for every scope its events need', () => {
    const parsed = parse(manifest) as {
      features: { assistant_view?: { suggested_prompts?: unknown[] } };
      oauth_config: { scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[] } };
    };
    expect(parsed.features.assistant_view?.suggested_prompts?.length).toBeLessThanOrEqual(4);
    // Slack refuses a manifest subscribing to an event whose scope it lacks ('' needs none).
    const scopeOf: Record<string, string> = {
      app_home_opened: '',
      app_mention: 'app_mentions:read',
      'message.im': 'im:history',
      assistant_thread_started: 'assistant:write',
      assistant_thread_context_changed: 'assistant:write',
    };
    for (const event of parsed.settings.event_subscriptions.bot_events) {
      expect(scopeOf[event], `a scope for ${event}`).toBeDefined();
      if (scopeOf[event]) expect(parsed.oauth_config.scopes.bot).toContain(scopeOf[event]);
    }
    expect(parsed.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['assistant_thread_started', 'assistant_thread_context_changed']),
    );
  });
});
