import { describe, expect, it } from 'vitest';
import { loadConfig, loadPlaygroundSettings, playgroundWanted } from '../src/config.js';

const HTTP = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-testtokenvalue',
  SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
  AWS_REGION: 'us-east-1',
};

describe('the configuration from the environment', () => {
  it('is HTTP mode with the documented defaults when only the required variables are set', () => {
    const loaded = loadConfig(HTTP);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value).toMatchObject({
      mode: 'http',
      awsRegion: 'us-east-1',
      redisUrl: undefined,
      compare: { defaultModels: ['nova-micro', 'claude-3.5-haiku'], maxModels: 6, modelTimeoutMs: 120_000 },
      chat: { defaultModel: 'claude-3.5-haiku', conversationTtlSeconds: 7 * 86_400 },
      catalogCacheSeconds: 3600,
      shutdownGraceMs: 25_000,
      logLevel: 'info',
      adminUsers: [],
    });
    const admins = loadConfig({ ...HTTP, ADMIN_USERS: 'U01, U02' });
    expect(admins.ok && admins.value.adminUsers).toEqual(['U01', 'U02']);
  });

  it('is socket mode when an app token is set, and takes the region from AWS_DEFAULT_REGION too', () => {
    const loaded = loadConfig({
      SLACK_BOT_TOKEN: HTTP.SLACK_BOT_TOKEN,
      SLACK_APP_TOKEN: 'xapp-1-A111-222-abc',
      AWS_DEFAULT_REGION: 'eu-west-3',
    });
    expect(loaded.ok && { mode: loaded.value.mode, region: loaded.value.awsRegion }).toEqual({
      mode: 'socket',
      region: 'eu-west-3',
    });
  });

  it('names every problem at once, one line each, each naming its variable', () => {
    const loaded = loadConfig({
      SLACK_BOT_TOKEN: 'xoxp-a-user-token',
      AWS_REGION: 'us-east-1',
      COMPARE_MAX_MODELS: '9',
      LOG_LEVEL: 'loud',
    });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problem).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/),
      'COMPARE_MAX_MODELS must be a whole number between 2 and 6',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      expect.stringMatching(/^SLACK_SIGNING_SECRET is missing/),
    ]);
  });

  it('reads a blank variable as unset', () => {
    const loaded = loadConfig({ ...HTTP, REDIS_URL: '  ', COMPARE_MAX_MODELS: '' });
    expect(loaded.ok && { redis: loaded.value.redisUrl, max: loaded.value.compare.maxModels }).toEqual({
      redis: undefined,
      max: 6,
    });
  });
});

describe('the local playground', () => {
  it('is wanted with no Slack variable at all, outside production only', () => {
    expect(playgroundWanted({})).toBe(true);
    expect(playgroundWanted({ SLACK_BOT_TOKEN: ' ', SLACK_SIGNING_SECRET: '' })).toBe(true);
    expect(playgroundWanted({ NODE_ENV: 'production' })).toBe(false);
    expect(playgroundWanted({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(false);
    expect(playgroundWanted({ SLACK_APP_TOKEN: 'xapp-1' })).toBe(false);
  });

  it('reads its port, its Bedrock and its region, with one line per bad value', () => {
    expect(loadPlaygroundSettings({})).toEqual({
      ok: true,
      value: { port: 3000, bedrock: 'auto', awsRegion: 'us-east-1' },
    });
    expect(
      loadPlaygroundSettings({
        PORT: '4000',
        PLAYGROUND_BEDROCK: 'simulated',
        AWS_DEFAULT_REGION: 'eu-west-1',
      }),
    ).toEqual({
      ok: true,
      value: { port: 4000, bedrock: 'simulated', awsRegion: 'eu-west-1' },
    });
    const bad = loadPlaygroundSettings({ PORT: 'x', PLAYGROUND_BEDROCK: 'real' });
    expect(bad.ok ? [] : bad.problem).toEqual([
      'PORT must be a whole number between 0 and 65535',
      'PLAYGROUND_BEDROCK must be auto (real Bedrock when AWS credentials work) or simulated',
    ]);
  });
});
