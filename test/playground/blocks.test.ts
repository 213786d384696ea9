import { describe, expect, it } from 'vitest';
import { blocksHtml } from '../../src/playground/page/blocks.js';
import { mrkdwnToHtml } from '../../src/playground/page/mrkdwn.js';

const directory = {
  userName: (id: string) => (id === 'UBOT' ? 'Bedrock' : id),
  channelName: () => 'general',
};

describe('mrkdwn on the page', () => {
  it('formats as Slack does and shows Slack’s escapes as the characters they stand for', () => {
    const html = mrkdwnToHtml(
      '*bold* _it_ ~gone~ `a<b` &lt;tag&gt; <https://aws.amazon.com|AWS> <@UBOT>',
      directory,
    );
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(html).toContain('<del>gone</del>');
    expect(html).toContain('<code>a&lt;b</code>');
    expect(html).toContain('&lt;tag&gt;');
    expect(html).not.toContain('&amp;lt;');
    expect(html).toContain('<a href="https://aws.amazon.com" target="_blank">AWS</a>');
    expect(html).toContain('@Bedrock');
  });

  it('never lets text become markup', () => {
    expect(mrkdwnToHtml('<script>alert(1)</script> <img src=x onerror=alert(1)>', directory)).not.toMatch(
      /<script|<img/,
    );
  });
});

describe('Block Kit on the page', () => {
  it('draws sections, context, tables and buttons with what a click needs', () => {
    const html = blocksHtml(
      [
        { type: 'section', block_id: 's1', text: { type: 'mrkdwn', text: '*Answer*' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'first token 0.4 s' }] },
        {
          type: 'table',
          rows: [
            [
              { type: 'raw_text', text: 'Model' },
              { type: 'raw_text', text: 'Cost' },
            ],
            [
              { type: 'raw_text', text: 'nova-micro' },
              { type: 'raw_text', text: '$0.00001' },
            ],
          ],
          column_settings: [{ align: 'left' }, { align: 'right' }],
        },
        {
          type: 'actions',
          block_id: 'a1',
          elements: [
            {
              type: 'button',
              action_id: 'compare_vote_0',
              value: '{"run":"r"}',
              style: 'primary',
              text: { type: 'plain_text', text: ':trophy: Best answer', emoji: true },
            },
          ],
        },
      ],
      directory,
    );
    expect(html).toContain('<strong>Answer</strong>');
    expect(html).toContain('first token 0.4 s');
    expect(html).toContain('<th style="text-align:left">Model</th>');
    expect(html).toContain('<td style="text-align:right">$0.00001</td>');
    expect(html).toContain('data-block-id="a1"');
    expect(html).toContain('data-action-id="compare_vote_0"');
    expect(html).toContain('data-value="{&quot;run&quot;:&quot;r&quot;}"');
    expect(html).toContain('🏆 Best answer');
    expect(html).toContain('sk-button primary');
  });

  it('draws a modal’s inputs with the error Slack shows under one', () => {
    const html = blocksHtml(
      [
        {
          type: 'input',
          block_id: 'models',
          label: { type: 'plain_text', text: 'Models' },
          element: {
            type: 'multi_static_select',
            action_id: 'value',
            option_groups: [
              {
                label: { type: 'plain_text', text: 'Amazon' },
                options: [
                  { text: { type: 'plain_text', text: 'Nova Micro' }, value: 'amazon.nova-micro-v1:0' },
                ],
              },
            ],
            initial_options: [
              { text: { type: 'plain_text', text: 'Nova Micro' }, value: 'amazon.nova-micro-v1:0' },
            ],
          },
        },
        {
          type: 'input',
          block_id: 'prompt',
          optional: true,
          label: { type: 'plain_text', text: 'Prompt' },
          element: { type: 'plain_text_input', action_id: 'value', multiline: true },
        },
      ],
      directory,
      { models: 'Pick at least 2 models.' },
    );
    expect(html).toContain('<select id="models--value" name="models--value" data-action-id="value"');
    expect(html).toContain('<optgroup label="Amazon">');
    expect(html).toContain('value="amazon.nova-micro-v1:0" selected');
    expect(html).toContain('<div class="input-error" role="alert">Pick at least 2 models.</div>');
    expect(html).toContain('<textarea id="prompt--value"');
    expect(html).toContain('(optional)');
    expect(html.match(/input-error/g)).toHaveLength(1);
  });

  it('shows an optional single select unpicked, as Slack does, until someone picks an option', () => {
    const select = (initial?: { text: { type: string; text: string }; value: string }) =>
      blocksHtml(
        [
          {
            type: 'input',
            block_id: 'effort',
            optional: true,
            label: { type: 'plain_text', text: 'Reasoning effort' },
            element: {
              type: 'static_select',
              action_id: 'value',
              placeholder: { type: 'plain_text', text: 'Default' },
              options: [{ text: { type: 'plain_text', text: 'Low' }, value: 'low' }],
              ...(initial ? { initial_option: initial } : {}),
            },
          },
        ],
        directory,
      );
    expect(select()).toContain('<option value="" selected>Default</option>');
    const picked = select({ text: { type: 'plain_text', text: 'Low' }, value: 'low' });
    expect(picked).not.toContain('<option value=""');
    expect(picked).toContain('value="low" selected');
  });

  it('names a block it cannot draw instead of dropping it', () => {
    expect(blocksHtml([{ type: 'carousel' }], directory)).toContain('a carousel block');
  });
});

describe('feedback buttons on the page', () => {
  it('draws both thumbs as buttons carrying their own values', () => {
    const html = blocksHtml(
      [
        {
          type: 'context_actions',
          elements: [
            {
              type: 'feedback_buttons',
              action_id: 'feedback_0',
              positive_button: {
                text: { type: 'plain_text', text: '👍' },
                accessibility_label: 'Good answer',
                value: 'up',
              },
              negative_button: {
                text: { type: 'plain_text', text: '👎' },
                accessibility_label: 'Bad answer',
                value: 'down',
              },
            },
          ],
        },
      ],
      directory,
    );
    expect(html).toContain('data-element="feedback_buttons"');
    expect(html).toContain('data-value="up"');
    expect(html).toContain('data-value="down"');
    expect(html).toContain('title="Good answer"');
  });
});
