import { BedrockClient } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog, CatalogSource } from '../../src/bedrock/catalog.js';
import { createLogger } from '../../src/logger.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { keys } from '../../src/store/keys.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { LogCapture } from '../support/harness.js';

const bedrock = new BedrockSimulator();
beforeAll(() => bedrock.start());
afterAll(() => bedrock.stop());

const listCalls = () => bedrock.controlCalls.filter((call) => call.operation === '/foundation-models').length;

describe('the model catalog source', () => {
  let store: Store;
  let logs: LogCapture;
  let source: CatalogSource;
  /** Another replica's source over the same store. */
  let replica: () => CatalogSource;
  beforeEach(() => {
    store = storeOn(new MemoryBackend());
    logs = new LogCapture();
    const client = new BedrockClient({
      region: 'us-east-1',
      endpoint: bedrock.controlUrl,
      credentials: { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'emulator-secret-key-not-real' },
    });
    replica = () => new CatalogSource(client, store, 'us-east-1', 3600, createLogger('warn', logs));
    source = replica();
  });

  it('asks Bedrock once and then answers from the store until the cache expires', async () => {
    const before = listCalls();
    const first = await source.load();
    const second = await replica().load();
    expect(listCalls() - before).toBe(1);
    expect(second.find('nova-micro')?.model.modelId).toBe('amazon.nova-micro-v1:0');
    expect(second.models).toEqual(first.models);
  });

  it('is read from the store once for many commands in a row on one replica', async () => {
    const first = await source.load();
    await store.setJson(keys.catalog(3600).key, { v: 1, data: [] }, 3600);
    expect(await source.load()).toBe(first);
  });

  it('reads a cached catalog of an older release afresh from Bedrock, and says so in the log', async () => {
    // What the release before versioned documents wrote: a bare list, here of an older model shape.
    await store.setJson(keys.catalog(3600).key, [{ modelId: 'amazon.nova-micro-v1:0' }], 3600);
    const before = listCalls();
    const catalog = await source.load();
    expect(listCalls() - before).toBe(1);
    expect(catalog.find('nova-micro')?.model.modelId).toBe('amazon.nova-micro-v1:0');
    expect(logs.lines.join('\n')).toContain('ignored a stored document');
  });

  it('reads a damaged cached catalog afresh from Bedrock rather than trusting it', async () => {
    await source.load();
    await store.setJson(
      keys.catalog(3600).key,
      { v: 1, data: [{ modelId: 42, aliases: 'nova-micro' }] },
      3600,
    );
    const before = listCalls();
    const catalog = await replica().load();
    expect(listCalls() - before).toBe(1);
    expect(catalog.find('nova-micro')?.model.modelId).toBe('amazon.nova-micro-v1:0');
    expect(logs.lines.join('\n')).toContain('does not match its shape');
  });

  it('names today’s models the way people say them, and `sonnet` is the newest Sonnet there is', async () => {
    const catalog = await source.load();
    const invoked = (name: string) => catalog.find(name)?.invokeId;
    expect(invoked('gpt-oss-120b')).toBe('openai.gpt-oss-120b-1:0');
    expect(invoked('deepseek-r1')).toBe('us.deepseek.r1-v1:0');
    expect(invoked('sonnet-4.5')).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(invoked('nova-2-lite')).toBe('us.amazon.nova-2-lite-v1:0');
    expect(invoked('sonnet')).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(invoked('global.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    const labels = [
      'openai.gpt-oss-120b-1:0',
      'deepseek.r1-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
    ].map((id) => Catalog.shortName(catalog.models.find((model) => model.modelId === id)!));
    expect(labels).toEqual(['gpt-oss-120b', 'deepseek-r1', 'claude-sonnet-4.5']);
  });

  it('takes `sonnet` to the newest Sonnet this account may invoke', async () => {
    const newest = bedrock.models.find(
      (model) => model.modelId === 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    if (!newest) throw new Error('the emulator has no Sonnet 4.5');
    newest.notAuthorized = true;
    try {
      const catalog = await source.load();
      expect(catalog.find('sonnet')?.invokeId).toBe('us.anthropic.claude-sonnet-4-20250514-v1:0');
      // Named outright, it is still the model asked for (and Bedrock then says it is not enabled).
      expect(catalog.find('sonnet-4.5')?.model.modelId).toBe(newest.modelId);
    } finally {
      newest.notAuthorized = false;
    }
  });
});
