import { describe, expect, it } from 'vitest';
import { fixedCatalog, HAIKU, SONNET_NEW, SONNET_OLD } from '../support/catalog.js';

const catalog = fixedCatalog('us-east-1');

describe('finding a model by what people type', () => {
  it('takes a short name, a full model ID in any case, or an inference profile ID', () => {
    expect(catalog.find('nova-micro')).toMatchObject({
      model: { modelId: 'amazon.nova-micro-v1:0' },
      invokeId: 'amazon.nova-micro-v1:0',
    });
    expect(catalog.find('Amazon.Nova-Lite-V1:0')?.model.name).toBe('Nova Lite');
    expect(catalog.find('us.amazon.nova-micro-v1:0')).toMatchObject({
      model: { modelId: 'amazon.nova-micro-v1:0' },
      invokeId: 'us.amazon.nova-micro-v1:0',
    });
    expect(catalog.find('llama3-70b')?.model.modelId).toBe('meta.llama3-70b-instruct-v1:0');
    expect(catalog.find('nova-mikro')).toBeUndefined();
  });

  it('picks the newest active model when a name fits several, and the one that can be called', () => {
    expect(catalog.find('sonnet')?.model.modelId).toBe(SONNET_NEW);
    expect(catalog.find('claude-3.5-sonnet')?.model.modelId).toBe(SONNET_NEW);
    // The 128k fine-tuning base shares `nova-micro` but cannot be invoked on demand.
    expect(catalog.find('nova-micro')?.model.onDemand).toBe(true);
    expect(catalog.find('amazon.nova-micro-v1:0:128k')?.model.onDemand).toBe(false);
  });

  it('calls a profile-only model through the profile of its own geography', () => {
    expect(catalog.find('sonnet')?.invokeId).toBe(`us.${SONNET_NEW}`);
    expect(fixedCatalog('eu-west-3').find('sonnet')?.invokeId).toBe(`eu.${SONNET_NEW}`);
    expect(catalog.find('haiku')?.invokeId).toBe(`us.${HAIKU}`);
  });

  it('answers a fine-tuning base with the model of its family that can be called', () => {
    expect(catalog.findInvocable('amazon.nova-micro-v1:0:128k')?.model.modelId).toBe(
      'amazon.nova-micro-v1:0',
    );
  });
});

describe('suggesting names for a typo', () => {
  it('offers the closest names of active text models', () => {
    expect(catalog.suggest('nova-mikro')).toContain('nova-micro');
    expect(catalog.resolve('nova-mikro')).toMatchObject({ ok: false, input: 'nova-mikro' });
    expect(catalog.resolve('sonet')).toMatchObject({
      ok: false,
      suggestions: expect.arrayContaining(['sonnet']),
    });
  });

  it('never suggests a model that makes no text, nor a legacy one', () => {
    expect(catalog.suggest('titan-embed-text')).toEqual([]);
    const suggested = catalog
      .suggest('claude-3.5-sonet', 10)
      .map((name) => catalog.find(name)?.model.modelId);
    expect(suggested).not.toContain(SONNET_OLD);
  });
});

describe('listing models for pickers and examples', () => {
  it('lists text models that can be called, by provider, active and newest first', () => {
    const listed = catalog.invocableTextModels().map((model) => model.modelId);
    expect(listed).not.toContain('amazon.titan-embed-text-v2:0');
    expect(listed).not.toContain('amazon.nova-micro-v1:0:128k');
    expect(listed).toEqual([
      'amazon.nova-lite-v1:0',
      'amazon.nova-micro-v1:0',
      SONNET_NEW,
      HAIKU,
      SONNET_OLD,
      'meta.llama3-70b-instruct-v1:0',
    ]);
  });

  it('gives example names of distinct models, alternating providers, each resolving back to its model', () => {
    const names = catalog.exampleNames(4);
    expect(names).toHaveLength(4);
    const models = names.map((name) => catalog.find(name)?.model);
    expect(new Set(models.map((model) => model?.modelId)).size).toBe(4);
    expect(models.map((model) => model?.provider).slice(0, 3)).toEqual(['Amazon', 'Anthropic', 'Meta']);
  });
});
