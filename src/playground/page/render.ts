import { type ShownMessage, type ShownView, WORKSPACE } from '../workspace.js';
import { blocksHtml, textHtml } from './blocks.js';
import { attributes, escapeHtml } from './html.js';
import { type Directory, markdownToHtml, mrkdwnToHtml } from './mrkdwn.js';

const directory: Directory = {
  userName: (id) =>
    id === WORKSPACE.bot.id ? WORKSPACE.bot.name : id === WORKSPACE.person.id ? WORKSPACE.person.name : id,
  channelName: (id) => (id === WORKSPACE.channel.id ? WORKSPACE.channel.name : id),
};

const AUTHORS = {
  person: { name: WORKSPACE.person.name, initial: 'Y', app: false },
  bot: { name: WORKSPACE.bot.name, initial: 'B', app: true },
  slackbot: { name: 'Slackbot', initial: 'S', app: false },
} as const;

/** How the page labels what Bedrock produced when the simulator stands in for it. */
export interface Labels {
  simulated: boolean;
}

/** One message as the page shows it: author, time, blocks (or text), files, thread link. */
export function messageHtml(message: ShownMessage, labels: Labels): string {
  const author = AUTHORS[message.author];
  const text = message.markdown ? markdownToHtml(message.text) : mrkdwnToHtml(message.text, directory);
  // A streamed message shows its text, then the blocks its stop added; any other, its blocks or its text.
  const body =
    message.markdown || !message.blocks?.length
      ? `${message.text ? `<div class="block block-markdown">${text}</div>` : ''}${blocksHtml(message.blocks ?? [], directory)}`
      : blocksHtml(message.blocks, directory);
  const refused = message.refused
    ? `<div class="refusal" role="alert">Slack refused this ${message.text || message.blocks ? 'update' : 'message'} (<code>${escapeHtml(
        message.refused.method,
      )}</code>): <strong>${escapeHtml(message.refused.error)}</strong>. In Slack it would not appear.</div>`
    : '';
  const files = message.files
    .map(
      (file) =>
        `<div class="file-chip">📎 ${escapeHtml(file.name)} <small>${escapeHtml(file.mimetype)}, ${Math.ceil(file.size / 1024)} KB</small></div>`,
    )
    .join('');
  const replies =
    message.replies > 0 && !message.threadTs
      ? `<button class="replies" type="button" data-open-thread="${escapeHtml(message.key)}">${message.replies} ${
          message.replies === 1 ? 'reply' : 'replies'
        }</button>`
      : '';
  const tags = [
    author.app ? '<span class="tag">APP</span>' : '',
    author.app && labels.simulated
      ? '<span class="tag simulated" title="Bedrock is simulated: no model was called">SIMULATED</span>'
      : '',
  ].join('');
  return `<div ${attributes({
    class: `message ${message.author}${message.ephemeral ? ' ephemeral' : ''}${message.refused ? ' refused' : ''}`,
    id: `m-${message.key}`,
    'data-key': message.key,
    'data-channel': message.channel,
    'data-thread': message.threadTs,
  })}>
<div class="avatar ${message.author}">${author.initial}</div>
<div class="content">
<div class="meta"><span class="name">${escapeHtml(author.name)}</span>${tags}<time datetime="${new Date(message.at).toISOString()}"></time></div>
${message.ephemeral ? '<div class="only-you">Only visible to you</div>' : ''}
<div class="body">${body}</div>${files}${refused}${replies}
</div>
${message.threadTs || message.ephemeral ? '' : `<button class="reply-in-thread" type="button" title="Reply in thread" data-open-thread="${escapeHtml(message.key)}">💬</button>`}
</div>`;
}

/** A modal: title, blocks with their inline errors, Cancel and submit. */
export function modalHtml(shown: ShownView): string {
  const view = shown.view;
  return `<form class="modal" ${attributes({ 'data-view-id': shown.id, 'data-callback-id': String(view.callback_id ?? '') })}>
<header><h2>${textHtml(view.title, directory)}</h2><button type="button" class="close" data-close-modal aria-label="Close">×</button></header>
<div class="modal-body">${blocksHtml(view.blocks, directory, shown.errors)}</div>
<footer>
<button type="button" class="sk-button" data-close-modal>${view.close ? textHtml(view.close, directory) : 'Cancel'}</button>
${view.submit ? `<button type="submit" class="sk-button primary">${textHtml(view.submit, directory)}</button>` : ''}
</footer>
</form>`;
}

/** The Home tab's view. */
export function homeHtml(shown: ShownView): string {
  return `<div class="home-view" data-view-id="${escapeHtml(shown.id)}">${blocksHtml(shown.view.blocks, directory)}</div>`;
}
