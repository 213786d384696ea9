import { describe, expect, it } from 'vitest';
import type { CompareRun, ModelRun } from '../src/compare/types.js';
import { compareMessage, dollars } from '../src/slack/blocks/compare.js';
import { clipMrkdwn, splitMrkdwn } from '../src/slack/blocks/limits.js';
import { visibleText } from './support/blocks.js';
import { blockKitError } from './support/fake-slack.js';

function hugeAnswer(length: number): string {
  const paragraph =
    '**Amazon S3** stores objects. See [the docs](https://aws.amazon.com/s3/) & <compare> them.\n\n```python\nimport boto3\ns3 = boto3.client("s3")\n```\n\n- one\n- two\n\n';
  return paragraph.repeat(Math.ceil(length / paragraph.length)).slice(0, length);
}

function model(index: number, overrides: Partial<ModelRun> = {}): ModelRun {
  return {
    label: `model-${index}`,
    name: `Model ${index} ${'with a rather long display name '.repeat(3)}`,
    modelId: `provider.model-${index}-v1:0`,
    invokeId: `us.provider.model-${index}-v1:0`,
    status: 'done',
    text: hugeAnswer(20_000),
    notes: [
      'Model cannot see images: the image was ignored and it answered from the text alone.',
      'A legacy model.',
    ],
    stopReason: 'max_tokens',
    firstTokenMs: 321,
    latencyMs: 4567,
    bedrockLatencyMs: 4400,
    inputTokens: 7,
    outputTokens: 512,
    tokensPerSecond: 120,
    costUsd: 0.0000723,
    ...overrides,
  };
}

function run(models: ModelRun[], finished = true): CompareRun {
  return {
    id: '0b6d1e4e-1111-2222-3333-444455556666',
    teamId: 'T1',
    userId: 'U1',
    prompt: 'What are the top AWS services? '.repeat(40),
    options: { blind: false, system: 'Be brief. '.repeat(100), temperature: 0.2 },
    maxTokens: 512,
    imageCount: 1,
    models,
    startedAt: 0,
    ...(finished ? { finishedAt: 1 } : {}),
  };
}

describe('the compare message', () => {
  it('stays within every Block Kit limit for 6 models with 20,000-character answers, streaming and final', () => {
    const six = Array.from({ length: 6 }, (_, index) => model(index));
    for (const message of [compareMessage(run(six, false)), compareMessage(run(six))]) {
      expect(blockKitError({ ...message })).toBeUndefined();
      expect(message.blocks.length).toBeLessThanOrEqual(50);
    }
    const final = compareMessage(run(six));
    expect(JSON.stringify(final.blocks).match(/Show full answer/g)).toHaveLength(6);
  });

  it('shows each model’s figures, the cut-off reason, and “price unknown” rather than $0', () => {
    const message = compareMessage(
      run([model(0), model(1, { costUsd: undefined, stopReason: 'end_turn', text: 'Short.' })]),
    );
    const text = visibleText(message.blocks);
    expect(text).toContain('first token 0.32 s');
    expect(text).toContain('total 4.57 s (Bedrock 4.40 s)');
    expect(text).toContain('7 in / 512 out tokens');
    expect(text).toContain('120 tokens/s');
    expect(text).toContain('$0.000072');
    expect(text).toContain('cut off at the max tokens limit');
    expect(text).toContain('price unknown');
    expect(text).not.toMatch(/\$0(?![.\d])/);
    expect(text).toContain('Total cost: $0.000072 + models with unknown prices');
  });

  it('shows a failed model’s own error while the others show their answers', () => {
    const failed = model(1, {
      status: 'failed',
      text: '',
      failure: {
        kind: 'throttled',
        message: 'Bedrock is throttling this model right now.',
        detail: 'Rate exceeded',
      },
    });
    const text = visibleText(compareMessage(run([model(0, { text: 'Fine answer.' }), failed])).blocks);
    expect(text).toContain('Fine answer.');
    expect(text).toContain('Bedrock is throttling this model right now.');
    expect(text).toContain('Rate exceeded');
  });

  it('escapes what a model writes so it cannot ping a channel or break the markup', () => {
    const text = visibleText(
      compareMessage(run([model(0, { text: 'Hi <!channel> & friends' }), model(1)])).blocks,
    );
    expect(text).not.toContain('<!channel>');
  });

  it('formats small and unknown costs', () => {
    expect(dollars(undefined)).toBe('price unknown');
    expect(dollars(0.000175)).toBe('$0.00017');
    expect(dollars(0.018)).toBe('$0.0180');
  });
});

describe('cutting Slack markdown', () => {
  it('closes a code block it cuts through', () => {
    const { text, clipped } = clipMrkdwn(`intro\n\`\`\`\n${'x = 1\n'.repeat(200)}\`\`\``, 300);
    expect(clipped).toBe(true);
    expect(text.length).toBeLessThanOrEqual(300);
    expect((text.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('splits at paragraph breaks and never inside a code block', () => {
    const code = `\`\`\`\n${'line\n'.repeat(30)}\`\`\``;
    const pieces = splitMrkdwn(`${'para one. '.repeat(20)}\n\n${code}\n\n${'para two. '.repeat(20)}`, 220);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(220);
      expect((piece.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });
});
