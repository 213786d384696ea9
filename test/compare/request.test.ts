import { beforeEach, describe, expect, it } from 'vitest';
import { checkCompareForm } from '../../src/compare/form.js';
import { modelCountProblem } from '../../src/compare/model-count.js';
import { parseCompareText } from '../../src/compare/parse.js';
import { CompareRequests, classifyWord } from '../../src/compare/request.js';
import { ChannelDefaults } from '../../src/defaults/channel-settings.js';
import { silentLogger } from '../../src/logger.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { fixedCatalog, SONNET_NEW } from '../support/catalog.js';
import { compareRun, modelRun } from './fixtures.js';

const catalog = fixedCatalog();
const asker = { teamId: 'T1', userId: 'U1' };

describe('how many models a compare takes', () => {
  it('is at least 2 and at most the configured maximum', () => {
    expect(modelCountProblem(0, 4)).toBe('too-few');
    expect(modelCountProblem(1, 4)).toBe('too-few');
    expect(modelCountProblem(2, 4)).toBeUndefined();
    expect(modelCountProblem(4, 4)).toBeUndefined();
    expect(modelCountProblem(5, 4)).toBe('too-many');
  });

  it('is the same rule for the form as for the command line', () => {
    const form = (models: string[]) => checkCompareForm({ models, prompt: 'hi' }, catalog, 2);
    expect(form(['amazon.nova-micro-v1:0'])).toEqual({
      ok: false,
      problem: { models: 'Pick at least 2 models.' },
    });
    expect(form(['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', SONNET_NEW])).toMatchObject({
      ok: false,
      problem: { models: expect.stringContaining('Pick at most 2 models') },
    });
    expect(form(['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0'])).toMatchObject({ ok: true });
  });
});

describe('turning /compare text into a request', () => {
  let store: Store;
  let requests: CompareRequests;
  let channels: ChannelDefaults;
  beforeEach(() => {
    store = storeOn(new MemoryBackend());
    channels = new ChannelDefaults(store, silentLogger);
    requests = new CompareRequests({
      preferences: store,
      channels,
      defaultModels: ['nova-micro', 'nova-lite'],
      maxModels: 3,
    });
  });

  const interpret = (text: string) => {
    const command = parseCompareText(text, (word) => classifyWord(catalog, word));
    if (command.kind !== 'run' && command.kind !== 'error' && command.kind !== 'unknown-model')
      throw new Error(`not a run: ${command.kind}`);
    return requests.interpret(command, catalog, asker);
  };
  const invoked = async (text: string) => {
    const request = await interpret(text);
    return request.ok ? request.value.models.map((model) => model.invokeId) : request.problem;
  };

  it('resolves each named model to what is invoked, a profile where one is required', async () => {
    expect(await invoked('nova-micro sonnet What is S3?')).toEqual([
      'amazon.nova-micro-v1:0',
      `us.${SONNET_NEW}`,
    ]);
    expect(await interpret('nova-micro,nova-lite --temperature 0.2 What is S3?')).toMatchObject({
      ok: true,
      value: { prompt: 'What is S3?', options: { temperature: 0.2, blind: false } },
    });
  });

  it('counts a model named twice, under two names, once', async () => {
    const request = await interpret('sonnet claude-3.5-sonnet What is S3?');
    expect(request).toMatchObject({
      ok: false,
      problem: {
        kind: 'invalid',
        message: expect.stringContaining('at least 2 different models; only `sonnet` was named'),
      },
    });
    expect(await invoked('sonnet claude-3.5-sonnet nova-micro hi')).toEqual([
      `us.${SONNET_NEW}`,
      'amazon.nova-micro-v1:0',
    ]);
  });

  it('refuses more models than the maximum', async () => {
    expect(await interpret('nova-micro nova-lite sonnet haiku hi')).toMatchObject({
      ok: false,
      problem: {
        message: 'That’s 4 models; a compare takes at most 3 so the answers stay readable side by side.',
      },
    });
  });

  it('names a misspelt model with suggestions, and a model that makes no text', async () => {
    expect(await interpret('nova-mikro nova-lite hi')).toMatchObject({
      ok: false,
      problem: {
        kind: 'unknown-model',
        word: 'nova-mikro',
        suggestions: expect.arrayContaining(['nova-micro']),
      },
    });
    expect(await interpret('amazon.titan-embed-text-v2:0 nova-lite hi')).toMatchObject({
      ok: false,
      problem: { kind: 'no-text', name: 'Titan Text Embeddings V2', outputModalities: ['EMBEDDING'] },
    });
    expect(await interpret('--max-tokens lots nova-lite hi')).toMatchObject({
      ok: false,
      problem: { kind: 'invalid' },
    });
  });

  it('uses the person’s saved set when no model is named, else the workspace default', async () => {
    expect(await invoked('What is S3?')).toEqual(['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0']);
    const saved = catalog.find('haiku');
    const other = catalog.find('llama3-70b');
    if (!saved || !other) throw new Error('the fixed catalog has haiku and llama3-70b');
    await requests.saveSet(asker, [saved, other]);
    expect(await invoked('What is S3?')).toEqual([saved.invokeId, other.invokeId]);
  });

  it('uses the channel’s set and system prompt where its members set them; the person’s own set still wins', async () => {
    const inChannel = { ...asker, channelId: 'C1' };
    await channels.save('T1', 'C1', 'U9', {
      compareModels: ['amazon.nova-lite-v1:0', SONNET_NEW],
      systemPrompt: 'Answer like a pirate.',
    });
    const here = async (text: string, who = inChannel) => {
      const request = await requests.interpret(
        parseCompareText(text, (word) => classifyWord(catalog, word)) as never,
        catalog,
        who,
      );
      if (!request.ok) throw new Error('expected a request');
      return request.value;
    };

    const channelRun = await here('What is S3?');
    expect(channelRun.models.map(({ model }) => model.modelId)).toEqual([
      'amazon.nova-lite-v1:0',
      SONNET_NEW,
    ]);
    expect(channelRun.options.system).toBe('Answer like a pirate.');
    // A system prompt given in the command wins over the channel's.
    expect((await here('--system "Be brief" What is S3?')).options.system).toBe('Be brief');
    // Elsewhere the channel's settings do not apply.
    expect((await here('What is S3?', { ...asker, channelId: 'C2' })).options.system).toBeUndefined();

    const saved = catalog.find('haiku')!;
    const other = catalog.find('llama3-70b')!;
    await requests.saveSet(asker, [saved, other]);
    expect((await here('What is S3?')).models.map(({ invokeId }) => invokeId)).toEqual([
      saved.invokeId,
      other.invokeId,
    ]);
  });

  it('runs again with the models the catalog still has, the same prompt and options', () => {
    const earlier = compareRun([modelRun('amazon.nova-micro-v1:0'), modelRun('retired.model-v1:0')], {
      options: { blind: true, maxTokens: 100 },
    });
    const again = requests.again(earlier, catalog);
    expect(again.models.map((model) => model.model.modelId)).toEqual(['amazon.nova-micro-v1:0']);
    expect(again).toMatchObject({ prompt: 'What is S3?', options: { blind: true, maxTokens: 100 } });
  });
});

describe('reading a word before the prompt', () => {
  it('tells a known model, a misspelt model name, and prose apart', () => {
    expect(classifyWord(catalog, 'nova-lite')).toBe('model');
    expect(classifyWord(catalog, 'nova-mikro')).toBe('unknown-model');
    expect(classifyWord(catalog, 'anthropic.claude-9')).toBe('unknown-model');
    expect(classifyWord(catalog, 'node.js')).toBe('text');
    expect(classifyWord(catalog, 'Explain')).toBe('text');
  });
});
