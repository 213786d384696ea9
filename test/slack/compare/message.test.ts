import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../../src/bedrock/pricing.js';
import type { CompareRun, ModelRun } from '../../../src/compare/types.js';
import { blockKitError } from '../../../src/playground/local-slack.js';
import { fullAnswerModal } from '../../../src/slack/compare/full-answer.js';
import { compareMessage, StreamingCompareMessage } from '../../../src/slack/compare/message.js';
import { clipMrkdwn, splitMrkdwn } from '../../../src/slack/kit/limits.js';
import { actionIds, tableRows, visibleText } from '../../support/blocks.js';

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

  it('opens the finished compare with a figures table, one row per model, each figure with its ratio to the best', () => {
    const fast = model(0, { label: 'nova-micro', text: 'Short.', stopReason: 'end_turn' });
    const slow = model(1, {
      label: 'sonnet',
      firstTokenMs: 1188,
      latencyMs: 16_900,
      inputTokens: 7,
      outputTokens: 1024,
      tokensPerSecond: 40,
      costUsd: 0.00795,
    });
    const message = compareMessage(run([fast, slow]));
    expect(blockKitError({ ...message })).toBeUndefined();
    const tableAt = message.blocks.findIndex((block) => block.type === 'table');
    const firstAnswerAt = message.blocks.findIndex((block) => JSON.stringify(block).includes('Short.'));
    expect(tableAt).toBeGreaterThan(-1);
    expect(tableAt).toBeLessThan(firstAnswerAt);
    expect(tableRows(message.blocks)).toEqual([
      ['Model', 'First token', 'Total', 'Tokens in', 'Tokens out', 'Tokens/s', 'Cost'],
      ['nova-micro', '0.32 s ×1.0', '4.57 s ×1.0', '7 ×1.0', '512 ×1.0', '120 ×1.0', '$0.000072 ×1.0'],
      ['sonnet', '1.19 s ×3.7', '16.9 s ×3.7', '7 ×1.0', '1024 ×2.0', '40 ×3.0', '$0.0080 ×110'],
    ]);
    const text = visibleText(message.blocks);
    expect(text).toContain('cut off at the max tokens limit');
    expect(text).toContain('Bedrock’s own latency 4.40 s');
  });

  it('shows “price unknown” rather than $0 in the table and the total', () => {
    const message = compareMessage(
      run([model(0), model(1, { costUsd: undefined, stopReason: 'end_turn', text: 'Short.' })]),
    );
    const text = visibleText(message.blocks);
    expect(tableRows(message.blocks)[2]?.at(-1)).toBe('price unknown');
    expect(text).not.toMatch(/\$0(?![.\d])/);
    expect(text).toContain('Total cost: $0.000072 + models with unknown prices');
  });

  it('shows a custom model on Provisioned Throughput as billed hourly, never per token, and the total without it', () => {
    // As the previous version stored it: priced at its base model's per-token rate.
    const custom = model(1, {
      label: 'helpdesk (custom)',
      invokeId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123xyz',
      costUsd: 0.0000091,
      stopReason: 'end_turn',
      text: 'Short.',
    });
    const message = compareMessage(run([model(0, { label: 'nova-micro' }), custom]));
    expect(blockKitError({ ...message })).toBeUndefined();
    expect(tableRows(message.blocks)[2]?.at(-1)).toBe('billed hourly (Provisioned Throughput)');
    const text = visibleText(message.blocks);
    expect(text).not.toContain('$0.0000091');
    expect(text).toContain('Cheapest: *nova-micro*');
    expect(text).toContain(
      'Total cost: $0.000072, excluding helpdesk (custom), billed hourly (Provisioned Throughput)',
    );
  });

  it('keeps the figures table out of a blind compare until its verdict, then names rows by letter and model', () => {
    const blind = { ...run([model(0, { label: 'nova-micro' }), model(1, { label: 'sonnet' })]) };
    blind.options = { ...blind.options, blind: true };
    const hidden = compareMessage(blind);
    expect(hidden.blocks.some((block) => block.type === 'table')).toBe(false);
    expect(visibleText(hidden.blocks)).not.toMatch(/nova-micro|sonnet|Model \d/);
    const revealed = compareMessage({ ...blind, verdict: { by: 'U1', verdict: 1 } });
    expect(tableRows(revealed.blocks).map((row) => row[0])).toEqual(['Model', 'A: nova-micro', 'B: sonnet']);
  });

  it('offers “Show full answer” whenever an answer is clipped, as in a 2-model compare of a 4,000-character answer', () => {
    const long = model(0, { text: hugeAnswer(4_000), stopReason: 'end_turn' });
    const short = model(1, { text: 'Short.', stopReason: 'end_turn' });
    const message = compareMessage(run([long, short]));
    expect(blockKitError({ ...message })).toBeUndefined();
    expect(actionIds(message.blocks)).toContain('compare_show_full_0');
    expect(actionIds(message.blocks)).not.toContain('compare_show_full_1');
    for (const size of [3_500, 4_100, 4_500]) {
      const clipped = compareMessage(run([model(0, { text: hugeAnswer(size) }), short]));
      expect(visibleText(clipped.blocks)).toContain('…');
      expect(actionIds(clipped.blocks)).toContain('compare_show_full_0');
    }
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

  it('offers “Show full answer” in a blind compare too, whose modal names the answer only by its letter', () => {
    const blind = run([model(0, { text: hugeAnswer(4_000) }), model(1, { text: 'Short.' })]);
    blind.options = { ...blind.options, blind: true };
    const message = compareMessage(blind);
    expect(actionIds(message.blocks)).toEqual(
      expect.arrayContaining(['compare_blind_pick_0', 'compare_show_full_0']),
    );
    const modal = JSON.stringify(fullAnswerModal(blind, 0));
    expect(modal).toContain('Answer A');
    expect(modal).not.toMatch(/Model 0|model-0/);
  });

  it('formats costs as plain decimals with two significant digits, never in scientific notation', () => {
    expect(formatUsd(undefined)).toBe('price unknown');
    expect(formatUsd(9.1e-7)).toBe('< $0.000001');
    expect(formatUsd(0.0000031)).toBe('$0.0000031');
    expect(formatUsd(0.000175)).toBe('$0.00017');
    expect(formatUsd(0.018)).toBe('$0.018');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.00012, { estimate: true })).toBe('≈$0.00012');
    for (let exponent = -12; exponent <= 2; exponent++) {
      expect(formatUsd(1.23 * 10 ** exponent)).not.toMatch(/e/i);
    }
  });
});

describe('the fake Slack’s table block rules, as Slack’s', () => {
  const table = (rows: unknown[][]) => ({ type: 'table', rows });
  const cell = (text: string) => ({ type: 'raw_text', text });

  it('accepts one table of up to 100 rows of up to 20 cells', () => {
    const rows = Array.from({ length: 100 }, () => Array.from({ length: 20 }, () => cell('x')));
    expect(blockKitError({ blocks: [table(rows)] })).toBeUndefined();
  });

  it('rejects a second table, too many rows or cells, an empty cell, and a table in a modal', () => {
    const ok = table([[cell('a')]]);
    expect(blockKitError({ blocks: [ok, ok] })).toBe('invalid_attachments');
    expect(blockKitError({ blocks: [table(Array.from({ length: 101 }, () => [cell('a')]))] })).toBe(
      'invalid_blocks',
    );
    expect(blockKitError({ blocks: [table([Array.from({ length: 21 }, () => cell('a'))])] })).toBe(
      'invalid_blocks',
    );
    expect(blockKitError({ blocks: [table([[cell('')]])] })).toBe('invalid_blocks');
    expect(blockKitError({ blocks: [ok] }, 'modal')).toBe('invalid_blocks');
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

describe('a streaming compare rendered update after update', () => {
  it('shows at every update what the whole message would, and its final state in full', () => {
    const answers = [hugeAnswer(6000), hugeAnswer(900), hugeAnswer(2500)];
    const models = answers.map((_, index) =>
      model(index, { status: 'waiting', text: '', stopReason: undefined, costUsd: undefined }),
    );
    const live = run(models, false);
    const streaming = new StreamingCompareMessage();
    for (let step = 1; step <= 40; step++) {
      live.models.forEach((part, index) => {
        const answer = answers[index] ?? '';
        const upTo = Math.min(answer.length, step * 97 * (index + 1));
        // A model is done the update after its last text arrived (the figures come after it); the
        // second one is done early while the others keep streaming.
        if (part.text === answer) Object.assign(part, { status: 'done', costUsd: 0.0001 });
        else if (upTo > 0) part.status = 'streaming';
        part.text = answer.slice(0, upTo);
      });
      expect(streaming.render(live)).toEqual(compareMessage(live));
    }
    live.finishedAt = 2;
    expect(streaming.render(live)).toEqual(compareMessage(live));
  });
});

describe('a reasoning model in the compare message', () => {
  const thinker = (overrides: Partial<ModelRun>) =>
    model(0, {
      text: '',
      reasoning: 'First idea.\nSecond idea, still going',
      thinkingMs: 3100,
      ...overrides,
    });

  it('says it is thinking, with its latest line of thought in small print, but not while the compare is blind', () => {
    const thinking = run(
      [thinker({ status: 'streaming' }), model(1, { status: 'streaming', text: 'Hi' })],
      false,
    );
    const shown = visibleText(compareMessage(thinking).blocks);
    expect(shown).toContain('thinking… 3.10 s');
    expect(shown).toContain(':thought_balloon: _Second idea, still going_');
    const blind = { ...thinking, options: { ...thinking.options, blind: true } };
    expect(visibleText(compareMessage(blind).blocks)).not.toContain('Second idea');
  });

  it('still offers its reasoning when the time limit cut it off before any answer', () => {
    const cut = run([thinker({ status: 'timed-out', timeoutMs: 4000 }), model(1)]);
    const message = compareMessage(cut);
    expect(blockKitError({ ...message })).toBeUndefined();
    expect(visibleText(message.blocks)).toContain('It was still thinking at the time limit');
    expect(actionIds(message.blocks)).toContain('compare_show_reasoning_0');
  });
});
