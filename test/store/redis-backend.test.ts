import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../src/store/redis-backend.js';

describe('REDIS_URL as the app logs it', () => {
  it.each([
    [
      'masks the password',
      'redis://:s3cret-pass@cache.internal:6379/0',
      'redis://:****@cache.internal:6379/0',
    ],
    [
      'masks the password and keeps the user',
      'rediss://app:s3cret-pass@cache.internal:6380',
      'rediss://app:****@cache.internal:6380',
    ],
    ['keeps a URL without a password as it is', 'redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['says nothing of a URL it cannot parse', 'not a url :s3cret-pass@', 'redis://(unparsable URL)'],
  ])('%s', (_case, url, logged) => {
    expect(redactRedisUrl(url)).toBe(logged);
    expect(redactRedisUrl(url)).not.toContain('s3cret-pass');
  });
});
