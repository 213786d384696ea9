import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { LogCapture } from '../support/harness.js';

// What an older release or a hand edit may have left in the store, written under the store's own keys.
const PREFERENCES = 'bedrock-slack:preferences:T1';
const WATCHES = 'bedrock-slack:watches';

describe('the store reading what it did not write itself', () => {
  let backend: MemoryBackend;
  let logs: LogCapture;
  let store: Store;
  beforeEach(() => {
    backend = new MemoryBackend();
    logs = new LogCapture();
    store = storeOn(backend, createLogger('warn', logs));
  });

  it('reads preferences of the wrong shape as none, logs them, and lets the person save new ones', async () => {
    await backend.hashSet(PREFERENCES, 'U1', JSON.stringify({ compareModels: 'sonnet' }));
    await backend.hashSet(PREFERENCES, 'U2', '{"chatModel": "haiku"'); // cut off mid-write
    expect(await store.getPreferences('T1', 'U1')).toEqual({});
    expect(await store.getPreferences('T1', 'U2')).toEqual({});
    expect(logs.lines.filter((line) => line.includes('ignored stored preferences'))).toHaveLength(2);

    await store.setPreferences('T1', 'U1', { chatModel: 'haiku' });
    expect(await store.getPreferences('T1', 'U1')).toEqual({ chatModel: 'haiku' });
  });

  it('lists every sound job watch when one of them is damaged, and logs the damaged one', async () => {
    const sound = {
      jobArn: 'arn:aws:bedrock:us-east-1:123456789012:model-customization-job/a',
      teamId: 'T1',
      channelId: 'C1',
      threadTs: '1.2',
      userId: 'U1',
    };
    await store.addWatch(sound);
    await backend.hashSet(
      WATCHES,
      'arn:aws:bedrock:us-east-1:123456789012:model-customization-job/b|C1',
      '{',
    );
    expect(await store.listWatches()).toEqual([{ ...sound, lastSeen: undefined }]);
    expect(logs.lines.join('\n')).toContain('ignored a stored job watch');
  });
});
