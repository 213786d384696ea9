import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModel, ModelChoice } from '../../src/chat/model-choice.js';
import { emptyConversation } from '../../src/chat/service.js';
import { ChannelDefaults } from '../../src/defaults/channel-settings.js';
import { silentLogger } from '../../src/logger.js';
import { type ChatBench, startChatBench } from './bedrock-bench.js';

let bench: ChatBench;
beforeAll(async () => {
  bench = await startChatBench();
});
afterAll(() => bench.stop());

const NOVA_LITE = 'amazon.nova-lite-v1:0';
const nameOf = (result: ReturnType<typeof chooseModel>) =>
  result.ok ? result.value.model.name : result.problem;

describe('which model a thread talks with', () => {
  it('is the thread’s own model, else the person’s preference, else the workspace default', () => {
    const thread = { ...emptyConversation(NOVA_LITE) };
    expect(nameOf(chooseModel(bench.catalog, thread, 'claude-3.5-haiku', 'nova-micro'))).toBe('Nova Lite');
    expect(nameOf(chooseModel(bench.catalog, undefined, 'claude-3.5-haiku', 'nova-micro'))).toBe(
      'Claude 3.5 Haiku',
    );
    expect(nameOf(chooseModel(bench.catalog, emptyConversation(''), undefined, 'nova-micro'))).toBe(
      'Nova Micro',
    );
  });

  it('says so, with models to pick instead, when the thread’s model has left the catalog', () => {
    const chosen = chooseModel(bench.catalog, emptyConversation('nova-mikro'), undefined, 'nova-micro');

    expect(chosen).toMatchObject({ ok: false, problem: { kind: 'unavailable' } });
    expect(!chosen.ok && chosen.problem.message).toMatch(
      /`nova-mikro`, is not available .* `@Bedrock use <model>` \(for example `nova-micro`/,
    );
  });
});

describe('switching a thread’s model', () => {
  const models = () =>
    new ModelChoice({
      service: bench.service(),
      preferences: bench.store,
      channels: new ChannelDefaults(bench.store, silentLogger),
      defaultModel: 'nova-micro',
    });
  let thread = 0;
  const speaking = () => ({ conversationId: `T1:C1:switch-${++thread}`, teamId: 'T1', userId: `U${thread}` });

  it('keeps the new model for the thread only, unless asked to make it the default', async () => {
    const here = speaking();
    const switched = await models().switchTo(bench.catalog, { wanted: 'nova-lite', asDefault: false }, here);

    expect(switched.ok && switched.value.invokeId).toBe(NOVA_LITE);
    expect(nameOf(await models().current(bench.catalog, here))).toBe('Nova Lite');
    const elsewhere = { ...here, conversationId: 'T1:C1:another-thread' };
    expect(nameOf(await models().current(bench.catalog, elsewhere))).toBe('Nova Micro');
  });

  it('makes it the person’s model for new threads when asked', async () => {
    const here = speaking();
    await models().switchTo(bench.catalog, { wanted: 'claude-3.5-haiku', asDefault: true }, here);

    const newThread = { ...here, conversationId: 'T1:C1:a-new-thread' };
    expect(nameOf(await models().current(bench.catalog, newThread))).toBe('Claude 3.5 Haiku');
  });

  it('refuses a name the catalog does not know, with the closest names, and changes nothing', async () => {
    const here = speaking();
    const switched = await models().switchTo(bench.catalog, { wanted: 'nova-lyte', asDefault: true }, here);

    expect(switched).toMatchObject({ ok: false, problem: { kind: 'unknown-model', wanted: 'nova-lyte' } });
    expect(!switched.ok && 'suggestions' in switched.problem && switched.problem.suggestions).toContain(
      'nova-lite',
    );
    expect(nameOf(await models().current(bench.catalog, here))).toBe('Nova Micro');
  });

  it('refuses a model that writes no text', async () => {
    const switched = await models().switchTo(
      bench.catalog,
      { wanted: 'amazon.titan-embed-text-v2:0', asDefault: false },
      speaking(),
    );

    expect(switched).toMatchObject({ ok: false, problem: { kind: 'invalid' } });
    expect(!switched.ok && 'message' in switched.problem && switched.problem.message).toContain(
      'does not write text',
    );
  });
});

describe('a channel’s chat model', () => {
  it('is what a new thread in the channel talks with, unless the person chose a model of their own', async () => {
    const channels = new ChannelDefaults(bench.store, silentLogger);
    await channels.save('T1', 'CSET', 'U9', { chatModel: NOVA_LITE });
    const models = new ModelChoice({
      service: bench.service(),
      preferences: bench.store,
      channels,
      defaultModel: 'nova-micro',
    });
    const speaking = (userId: string, channelId?: string) => ({
      conversationId: `T1:${channelId ?? 'D1'}:${userId}`,
      teamId: 'T1',
      userId,
      channelId,
    });

    expect(nameOf(await models.current(bench.catalog, speaking('UCHAN1', 'CSET')))).toBe('Nova Lite');
    expect(nameOf(await models.current(bench.catalog, speaking('UCHAN1', 'COTHER')))).toBe('Nova Micro');
    await bench.store.setPreferences('T1', 'UCHAN2', { chatModel: 'claude-3.5-haiku' });
    expect(nameOf(await models.current(bench.catalog, speaking('UCHAN2', 'CSET')))).toBe('Claude 3.5 Haiku');
  });
});
