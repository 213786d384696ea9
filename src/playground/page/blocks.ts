import { attributes, escapeHtml } from './html.js';
import { type Directory, markdownToHtml, mrkdwnToHtml, plainTextToHtml } from './mrkdwn.js';

/**
 * Block Kit as HTML that looks like Slack's: sections (mrkdwn, fields, accessories), headers,
 * context, actions (buttons, selects), images, tables, rich text, dividers, files, and a modal's
 * inputs with their inline errors. slack-markdown renders the mrkdwn; the layout is ours, since no
 * maintained renderer outside React sends clicks and form values back. Elements carry data-
 * attributes the page's script turns into Slack's block_actions and view_submission payloads.
 */

type Node = Record<string, unknown>;

const asNode = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});
const asNodes = (value: unknown): Node[] => (Array.isArray(value) ? value.map(asNode) : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A text object (plain_text or mrkdwn). */
export function textHtml(value: unknown, directory: Directory): string {
  const text = asNode(value);
  return text.type === 'mrkdwn'
    ? mrkdwnToHtml(str(text.text), directory)
    : plainTextToHtml(str(text.text), text.emoji !== false);
}

/** Errors a modal shows under its inputs, by block_id, from a `response_action: errors` answer. */
export type InputErrors = Record<string, string>;

export function blocksHtml(blocks: unknown, directory: Directory, errors: InputErrors = {}): string {
  return asNodes(blocks)
    .map((block) => blockHtml(block, directory, errors))
    .join('');
}

function blockHtml(block: Node, directory: Directory, errors: InputErrors): string {
  const blockId = str(block.block_id);
  const wrap = (kind: string, inner: string) =>
    `<div ${attributes({ class: `block block-${kind}`, 'data-block-id': blockId || undefined })}>${inner}</div>`;
  switch (block.type) {
    case 'section': {
      const fields = asNodes(block.fields);
      const body = [
        block.text ? `<div class="section-text">${textHtml(block.text, directory)}</div>` : '',
        fields.length
          ? `<div class="section-fields">${fields.map((field) => `<div>${textHtml(field, directory)}</div>`).join('')}</div>`
          : '',
      ].join('');
      const accessory = block.accessory
        ? `<div class="accessory">${elementHtml(asNode(block.accessory), directory)}</div>`
        : '';
      return wrap('section', `<div class="section-body">${body}</div>${accessory}`);
    }
    case 'header':
      return wrap('header', textHtml(block.text, directory));
    case 'divider':
      return wrap('divider', '<hr>');
    case 'context':
      return wrap(
        'context',
        asNodes(block.elements)
          .map((element) =>
            element.type === 'image'
              ? `<img ${attributes({ src: str(element.image_url), alt: str(element.alt_text) })}>`
              : `<span>${textHtml(element, directory)}</span>`,
          )
          .join(''),
      );
    case 'actions':
    case 'context_actions':
      return wrap(
        str(block.type).replace('_', '-'),
        asNodes(block.elements)
          .map((element) => elementHtml(element, directory))
          .join(''),
      );
    case 'image':
      return wrap(
        'image',
        `${block.title ? `<div class="image-title">${textHtml(block.title, directory)}</div>` : ''}<img ${attributes(
          { src: str(block.image_url), alt: str(block.alt_text), title: str(block.alt_text) },
        )}>`,
      );
    case 'table':
      return wrap('table', tableHtml(block, directory));
    case 'rich_text':
      return wrap(
        'rich-text',
        asNodes(block.elements)
          .map((element) => richHtml(element, directory))
          .join(''),
      );
    case 'markdown':
      return wrap('markdown', markdownToHtml(str(block.text)));
    case 'file':
      return wrap(
        'file',
        `<span class="file-chip">📎 ${escapeHtml(str(block.external_id) || 'file')}</span>`,
      );
    case 'video':
      return wrap(
        'video',
        `<a ${attributes({ href: str(block.title_url) || str(block.video_url), target: '_blank' })}>▶ ${textHtml(block.title, directory)}</a>`,
      );
    case 'input':
      return inputHtml(block, directory, errors[blockId]);
    default:
      return wrap(
        'unknown',
        `<em>(a ${escapeHtml(str(block.type))} block, which this page does not draw)</em>`,
      );
  }
}

/** An interactive element: buttons, selects, overflow menus; anything else named, not drawn. */
function elementHtml(element: Node, directory: Directory): string {
  const common = {
    'data-action-id': str(element.action_id),
    'data-element': str(element.type),
  };
  switch (element.type) {
    case 'button':
      return `<button ${attributes({
        ...common,
        class: `sk-button ${str(element.style)}`,
        type: 'button',
        'data-value': str(element.value),
        'data-url': str(element.url) || undefined,
        'data-label': str(asNode(element.text).text),
      })}>${textHtml(element.text, directory)}</button>`;
    case 'feedback_buttons':
      // Slack's thumbs: each half is a button of its own with the element's action_id.
      return (['positive_button', 'negative_button'] as const)
        .map((side) => {
          const half = asNode(element[side]);
          return `<button ${attributes({
            ...common,
            class: 'sk-button feedback',
            type: 'button',
            'data-value': str(half.value),
            'data-label': str(asNode(half.text).text),
            title: str(half.accessibility_label) || undefined,
          })}>${textHtml(half.text, directory)}</button>`;
        })
        .join('');
    case 'icon_button':
      return `<button ${attributes({
        ...common,
        class: 'sk-button icon',
        type: 'button',
        'data-value': str(element.value),
        'data-label': str(asNode(element.text).text),
      })}>${textHtml(element.text, directory)}</button>`;
    case 'static_select':
    case 'overflow':
      return `<select ${attributes({ ...common, class: 'sk-select' })}><option value="">${
        element.type === 'overflow' ? '⋯' : textHtml(element.placeholder, directory) || 'Select…'
      }</option>${optionsHtml(element)}</select>`;
    case 'image':
      return `<img ${attributes({ class: 'accessory-image', src: str(element.image_url), alt: str(element.alt_text) })}>`;
    default:
      return `<span class="unsupported">${escapeHtml(str(element.type))}</span>`;
  }
}

function optionHtml(option: Node, selected: Set<string>): string {
  const value = str(option.value);
  const label = str(asNode(option.text).text);
  return `<option ${attributes({ value, selected: selected.has(value), 'data-label': label })}>${escapeHtml(label)}</option>`;
}

function optionsHtml(element: Node): string {
  const initial = [
    ...asNodes(element.initial_options),
    ...(element.initial_option ? [asNode(element.initial_option)] : []),
  ];
  const selected = new Set(initial.map((option) => str(option.value)));
  const groups = asNodes(element.option_groups);
  if (groups.length > 0)
    return groups
      .map(
        (group) =>
          `<optgroup ${attributes({ label: str(asNode(group.label).text) })}>${asNodes(group.options)
            .map((option) => optionHtml(option, selected))
            .join('')}</optgroup>`,
      )
      .join('');
  return asNodes(element.options)
    .map((option) => optionHtml(option, selected))
    .join('');
}

/** A modal's input block: label, element, hint, and the error Slack shows under it. */
function inputHtml(block: Node, directory: Directory, error: string | undefined): string {
  const element = asNode(block.element);
  const id = `${str(block.block_id)}--${str(element.action_id)}`;
  const common = {
    id,
    name: id,
    'data-action-id': str(element.action_id),
    'data-element': str(element.type),
  };
  let control: string;
  switch (element.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const value = str(element.initial_value);
      const placeholder = str(asNode(element.placeholder).text) || undefined;
      control = element.multiline
        ? `<textarea ${attributes({ ...common, placeholder, rows: 3 })}>${escapeHtml(value)}</textarea>`
        : `<input ${attributes({ ...common, type: 'text', value, placeholder })}>`;
      break;
    }
    case 'static_select':
    case 'multi_static_select': {
      const multiple = element.type === 'multi_static_select';
      // Slack shows a single select's placeholder until something is picked: an HTML select would
      // otherwise pick its first option and send it as if the person had chosen it.
      const unpicked =
        !multiple && !element.initial_option
          ? `<option value="" selected>${escapeHtml(str(asNode(element.placeholder).text) || 'Select an item')}</option>`
          : '';
      control = `<select ${attributes({ ...common, multiple, 'data-max': Number(element.max_selected_items) || undefined })}>${unpicked}${optionsHtml(element)}</select>`;
      break;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const selected = new Set(
        [
          ...asNodes(element.initial_options),
          ...(element.initial_option ? [asNode(element.initial_option)] : []),
        ].map((option) => str(option.value)),
      );
      control = `<div ${attributes({ ...common, class: 'choices' })}>${asNodes(element.options)
        .map(
          (option) =>
            `<label><input ${attributes({
              type: element.type === 'checkboxes' ? 'checkbox' : 'radio',
              name: id,
              value: str(option.value),
              checked: selected.has(str(option.value)),
              'data-label': str(asNode(option.text).text),
            })}> ${textHtml(option.text, directory)}${
              option.description ? `<small>${textHtml(option.description, directory)}</small>` : ''
            }</label>`,
        )
        .join('')}</div>`;
      break;
    }
    case 'file_input':
      control = `<input ${attributes({
        ...common,
        type: 'file',
        multiple: Number(element.max_files ?? 10) > 1,
        accept:
          asStrings(element.filetypes)
            .map((type) => `.${type}`)
            .join(',') || undefined,
      })}>`;
      break;
    default:
      control = `<span class="unsupported">${escapeHtml(str(element.type))}</span>`;
  }
  return `<div ${attributes({ class: `block block-input${error ? ' has-error' : ''}`, 'data-block-id': str(block.block_id) })}>
<label class="input-label" for="${escapeHtml(id)}">${textHtml(block.label, directory)}${block.optional ? ' <span class="optional">(optional)</span>' : ''}</label>
${control}
${block.hint ? `<div class="hint">${textHtml(block.hint, directory)}</div>` : ''}
${error ? `<div class="input-error" role="alert">${escapeHtml(error)}</div>` : ''}
</div>`;
}

const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Slack's table block: raw_text or rich_text cells, with each column's alignment. */
function tableHtml(block: Node, directory: Directory): string {
  const settings = asNodes(block.column_settings);
  const rows = Array.isArray(block.rows) ? (block.rows as unknown[]) : [];
  const cell = (value: unknown, index: number, tag: 'th' | 'td') => {
    const node = asNode(value);
    const align = str(settings[index]?.align) || undefined;
    const inner =
      node.type === 'raw_text'
        ? escapeHtml(str(node.text))
        : asNodes(node.elements)
            .map((element) => richHtml(element, directory))
            .join('');
    return `<${tag} ${attributes({ style: align ? `text-align:${align}` : undefined })}>${inner}</${tag}>`;
  };
  return `<table>${rows
    .map(
      (row, rowIndex) =>
        `<tr>${(Array.isArray(row) ? row : []).map((value, index) => cell(value, index, rowIndex === 0 ? 'th' : 'td')).join('')}</tr>`,
    )
    .join('')}</table>`;
}

/** A rich_text element: sections, lists, quotes and preformatted text of styled runs. */
function richHtml(element: Node, directory: Directory): string {
  const runs = () =>
    asNodes(element.elements)
      .map((run) => runHtml(run, directory))
      .join('');
  switch (element.type) {
    case 'rich_text_section':
      return `<div>${runs()}</div>`;
    case 'rich_text_preformatted':
      return `<pre>${runs()}</pre>`;
    case 'rich_text_quote':
      return `<blockquote>${runs()}</blockquote>`;
    case 'rich_text_list': {
      const tag = element.style === 'ordered' ? 'ol' : 'ul';
      return `<${tag}>${asNodes(element.elements)
        .map((item) => `<li>${richHtml(item, directory)}</li>`)
        .join('')}</${tag}>`;
    }
    default:
      return runHtml(element, directory);
  }
}

function runHtml(run: Node, directory: Directory): string {
  const style = asNode(run.style);
  let html: string;
  switch (run.type) {
    case 'text':
      html = escapeHtml(str(run.text)).replace(/\n/g, '<br>');
      break;
    case 'link':
      html = `<a ${attributes({ href: str(run.url), target: '_blank' })}>${escapeHtml(str(run.text) || str(run.url))}</a>`;
      break;
    case 'user':
      html = `<span class="mention">@${escapeHtml(directory.userName(str(run.user_id)))}</span>`;
      break;
    case 'channel':
      html = `<span class="mention">#${escapeHtml(directory.channelName(str(run.channel_id)))}</span>`;
      break;
    case 'emoji':
      html = str(run.unicode)
        ? String.fromCodePoint(
            ...str(run.unicode)
              .split('-')
              .map((hex) => Number.parseInt(hex, 16)),
          )
        : `:${escapeHtml(str(run.name))}:`;
      break;
    case 'broadcast':
      html = `<span class="mention broadcast">@${escapeHtml(str(run.range))}</span>`;
      break;
    default:
      html = escapeHtml(str(run.text));
  }
  if (style.code) html = `<code>${html}</code>`;
  if (style.bold) html = `<strong>${html}</strong>`;
  if (style.italic) html = `<em>${html}</em>`;
  if (style.strike) html = `<del>${html}</del>`;
  return html;
}
