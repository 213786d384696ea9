import { describe, expect, it } from 'vitest';
import { planReasoning } from '../../src/bedrock/reasoning.js';

const sonnet = { modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', name: 'Claude Sonnet 4.5' };
const opus41 = { modelId: 'us.anthropic.claude-opus-4-1-20250805-v1:0', name: 'Claude Opus 4.1' };
const gptOss = { modelId: 'openai.gpt-oss-20b-1:0', name: 'gpt-oss-20b' };
const nova2 = { modelId: 'global.amazon.nova-2-lite-v1:0', name: 'Nova 2 Lite' };
const r1 = { modelId: 'us.deepseek.r1-v1:0', name: 'DeepSeek-R1' };
const micro = { modelId: 'amazon.nova-micro-v1:0', name: 'Nova Micro' };
const limits = { maxTokens: 1024, maxTokensGiven: false };

describe('planning a model’s reasoning from --think and --effort', () => {
  it('asks nothing of any model when neither is given', () => {
    for (const model of [sonnet, gptOss, nova2, r1, micro]) {
      expect(planReasoning(model, {}, limits)).toEqual({
        maxTokens: 1024,
        omitTemperature: false,
        notes: [],
      });
    }
  });

  it('gives Claude its budget on top of the answer’s room, within what the model can write', () => {
    expect(planReasoning(sonnet, { think: {} }, limits)).toMatchObject({
      fields: { thinking: { type: 'enabled', budget_tokens: 4096 } },
      maxTokens: 1024 + 4096,
    });
    expect(planReasoning(opus41, { think: { budget: 31_500 } }, limits).maxTokens).toBe(32_000);
    expect(planReasoning(opus41, { think: { budget: 32_000 } }, limits).problem).toContain(
      'writes at most 32,000 tokens, thinking included',
    );
    expect(
      planReasoning(sonnet, { think: { budget: 2048 } }, { maxTokens: 2048, maxTokensGiven: true }).problem,
    ).toContain('must be below max tokens');
  });

  it('leaves Claude’s temperature out while it thinks, and says so', () => {
    const plan = planReasoning(sonnet, { think: {} }, { ...limits, temperature: 0.3 });
    expect(plan.omitTemperature).toBe(true);
    expect(plan.notes).toEqual([
      'Claude Sonnet 4.5 ran with max tokens 5,120: its 4,096-token thinking budget on top of the answer’s 1,024.',
      'Claude Sonnet 4.5 thinks only at its own temperature: it ran without --temperature 0.3.',
    ]);
  });

  it('sets the effort in each family’s own field, and turns Nova 2’s reasoning on with --think', () => {
    expect(planReasoning(gptOss, { effort: 'low' }, limits).fields).toEqual({ reasoning_effort: 'low' });
    expect(planReasoning(nova2, { effort: 'high' }, limits).fields).toEqual({
      reasoningConfig: { type: 'enabled', maxReasoningEffort: 'high' },
    });
    const think = planReasoning(nova2, { think: { budget: 2048 } }, limits);
    expect(think.fields).toEqual({ reasoningConfig: { type: 'enabled', maxReasoningEffort: 'medium' } });
    expect(think.notes[0]).toContain('takes an effort level, not a thinking budget');
  });

  it('notes, never refuses, a model that takes no setting', () => {
    expect(planReasoning(r1, { effort: 'high' }, limits)).toMatchObject({
      notes: ['DeepSeek-R1 always reasons and takes no reasoning setting: it ran as it does by default.'],
    });
    expect(planReasoning(micro, { think: {} }, limits).problem).toBeUndefined();
    expect(planReasoning(sonnet, { effort: 'high' }, limits).fields).toBeUndefined();
  });
});
