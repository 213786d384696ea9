import { describe, expect, it } from 'vitest';
import { checkDefaultsForm } from '../../src/defaults/form.js';
import { fixedCatalog, HAIKU } from '../support/catalog.js';

const catalog = fixedCatalog();
const check = (form: Parameters<typeof checkDefaultsForm>[0]) => checkDefaultsForm(form, catalog, 3);

describe('model defaults from a form', () => {
  it('keeps catalog model IDs, whatever name or profile was picked, and blank fields as none', () => {
    expect(
      check({
        compare_models: ['nova-micro', `us.${HAIKU}`],
        chat_model: 'haiku',
        system_prompt: '  Be brief. ',
      }),
    ).toEqual({
      ok: true,
      value: {
        compareModels: ['amazon.nova-micro-v1:0', HAIKU],
        chatModel: HAIKU,
        systemPrompt: 'Be brief.',
      },
    });
    expect(check({ compare_models: [], chat_model: undefined, system_prompt: '   ' })).toEqual({
      ok: true,
      value: { compareModels: undefined, chatModel: undefined, systemPrompt: undefined },
    });
  });

  it('refuses, field by field, a model this account cannot invoke, one that writes no text, or a set of the wrong size', () => {
    expect(
      check({
        compare_models: ['amazon.nova-micro-v1:0:128k', 'nova-lite'],
        chat_model: 'amazon.titan-embed-text-v2:0',
      }),
    ).toEqual({
      ok: false,
      problem: {
        compare_models: expect.stringContaining('cannot be invoked in this account'),
        chat_model: 'Titan Text Embeddings V2 does not write text.',
      },
    });
    expect(check({ compare_models: ['nova-micro'] })).toMatchObject({
      ok: false,
      problem: { compare_models: expect.stringContaining('at least 2') },
    });
    expect(check({ compare_models: ['nova-micro', 'nova-lite', 'haiku', 'llama3-70b'] })).toMatchObject({
      ok: false,
      problem: { compare_models: 'Pick at most 3 models.' },
    });
    expect(check({ compare_models: ['no.such-model-v1:0', 'nova-lite'] })).toMatchObject({
      ok: false,
      problem: { compare_models: expect.stringContaining('is not in this account’s Bedrock catalog') },
    });
    expect(check({ compare_models: [], system_prompt: 'x'.repeat(2_001) })).toMatchObject({
      ok: false,
      problem: { system_prompt: expect.stringContaining('under 2000 characters') },
    });
  });
});
