// The playground page: shows what the server streams (rendered messages, the modal, the Home tab)
// and sends what you do (messages, clicks, form submissions) for the server to pass on as Slack would.

const view = { conversation: 'C0GENERAL', thread: null };
/** The assistant panel's thread and what the app set on it (title, status, suggested prompts). */
let assistant = null;
let assistantWanted = false;
const assistantKey = () => (assistant ? `${assistant.channel}:${assistant.threadTs}` : null);
const html = new Map();
const NAMES = { C0GENERAL: '# general', D0BEDROCK: 'Bedrock', home: 'Bedrock' };
const SUBTITLES = { C0GENERAL: 'You and Bedrock', D0BEDROCK: 'Direct message', home: 'Home' };

const $ = (selector, root = document) => root.querySelector(selector);

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) toast(`The playground could not do that (${response.status}).`);
}

function toast(text) {
  const element = document.createElement('div');
  element.className = 'toast';
  element.textContent = text;
  $('#toasts').append(element);
  setTimeout(() => element.remove(), 6000);
}

function fromHtml(markup) {
  const template = document.createElement('template');
  template.innerHTML = markup.trim();
  return template.content.firstElementChild;
}

function showTimes(root) {
  for (const time of root.querySelectorAll('time[datetime]')) {
    if (!time.textContent)
      time.textContent = new Date(time.dateTime).toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
      });
  }
}

function threadList(key) {
  const id = `thread-${key}`;
  let list = document.getElementById(id);
  if (!list) {
    list = document.createElement('div');
    list.id = id;
    list.className = 'messages';
    list.hidden = view.thread !== key;
    $('#thread-lists').append(list);
  }
  return list;
}

function nearBottom(element) {
  return element.scrollHeight - element.scrollTop - element.clientHeight < 80;
}

function upsertMessage(event) {
  html.set(event.key, event.html);
  const list = event.thread
    ? threadList(`${event.channel}:${event.thread}`)
    : document.getElementById(`conv-${event.channel}`);
  if (!list) return;
  const follow = nearBottom(list.parentElement.id === 'thread-lists' ? list.parentElement : list);
  const element = fromHtml(event.html);
  const existing = document.getElementById(element.id);
  if (existing) existing.replaceWith(element);
  else list.append(element);
  showTimes(element);
  if (view.thread === event.key) showThreadParent();
  if (follow) (list.parentElement.id === 'thread-lists' ? list.parentElement : list).scrollTop = 1e9;
}

function showThreadParent() {
  const parent = $('#thread-parent');
  parent.innerHTML = html.get(view.thread) ?? '';
  showTimes(parent);
}

function showAssistant() {
  const inPanel = assistant !== null && view.thread === assistantKey();
  $('#thread-title').textContent = inPanel ? assistant.title || 'Bedrock · Assistant' : 'Thread';
  $('#assistant-status').hidden = !(inPanel && assistant.status);
  $('#assistant-status').textContent = inPanel && assistant.status ? `Bedrock ${assistant.status}` : '';
  const prompts = $('#assistant-prompts');
  prompts.hidden = !(inPanel && assistant.prompts.length > 0);
  prompts.replaceChildren(
    ...(inPanel ? assistant.prompts : []).map((prompt) => {
      const chip = document.createElement('button');
      chip.type = 'button';
      chip.className = 'sk-button prompt';
      chip.dataset.prompt = prompt.message;
      chip.textContent = prompt.title;
      return chip;
    }),
  );
}

function openThread(key) {
  view.thread = key;
  showAssistant();
  $('#thread').hidden = false;
  for (const list of $('#thread-lists').children) list.hidden = list.id !== `thread-${key}`;
  threadList(key).hidden = false;
  showThreadParent();
  $('#thread-composer textarea').focus();
}

function closeThread() {
  view.thread = null;
  $('#thread').hidden = true;
}

function navigate(target) {
  view.conversation = target;
  for (const button of document.querySelectorAll('[data-nav]'))
    button.classList.toggle('active', button.dataset.nav === target);
  for (const list of document.querySelectorAll('[data-conversation]'))
    list.hidden = list.dataset.conversation !== target;
  $('#home').hidden = target !== 'home';
  $('#composer').hidden = target === 'home';
  $('#title').textContent = NAMES[target];
  $('#subtitle').textContent = SUBTITLES[target];
  $('#composer textarea').placeholder = target === 'home' ? '' : `Message ${NAMES[target]}`;
  closeThread();
  if (target === 'home') post('/api/home', {});
}

/** Keeps what you typed or chose when the app answers a submission with errors or an update. */
function carryOverInputs(oldForm, newForm) {
  if (!oldForm || !newForm || oldForm.dataset.viewId !== newForm.dataset.viewId) return;
  for (const control of oldForm.querySelectorAll('[data-action-id][id]')) {
    const twin = newForm.querySelector(`#${CSS.escape(control.id)}`);
    if (!twin) continue;
    if (control.type === 'file') twin.replaceWith(control);
    else if (control.tagName === 'SELECT')
      for (const option of twin.options)
        option.selected = [...control.selectedOptions].some((chosen) => chosen.value === option.value);
    else if (control.classList.contains('choices'))
      for (const box of twin.querySelectorAll('input'))
        box.checked = Boolean(control.querySelector(`input[value="${CSS.escape(box.value)}"]:checked`));
    else twin.value = control.value;
  }
}

function showModal(markup) {
  const layer = $('#modal-layer');
  if (!markup) {
    layer.hidden = true;
    layer.innerHTML = '';
    return;
  }
  const form = fromHtml(markup);
  carryOverInputs($('form.modal', layer), form);
  layer.replaceChildren(form);
  layer.hidden = false;
}

async function upload(file) {
  const response = await fetch('/api/upload', {
    method: 'POST',
    headers: {
      'content-type': file.type || 'application/octet-stream',
      'x-file-name': encodeURIComponent(file.name),
    },
    body: file,
  });
  return response.json();
}

const option = (element) => ({
  text: { type: 'plain_text', text: element.dataset.label ?? element.textContent },
  value: element.value,
});

/** The modal's inputs as Slack's view.state.values: block_id → action_id → the element's state. */
async function stateValues(form) {
  const values = {};
  for (const block of form.querySelectorAll('.block-input')) {
    const control = block.querySelector('[data-action-id]');
    if (!control) continue;
    const type = control.dataset.element;
    let state;
    if (type === 'multi_static_select')
      state = { type, selected_options: [...control.selectedOptions].map(option) };
    else if (type === 'static_select')
      state = { type, selected_option: control.value ? option(control.selectedOptions[0]) : null };
    else if (type === 'checkboxes')
      state = { type, selected_options: [...control.querySelectorAll('input:checked')].map(option) };
    else if (type === 'radio_buttons') {
      const chosen = control.querySelector('input:checked');
      state = { type, selected_option: chosen ? option(chosen) : null };
    } else if (type === 'file_input')
      state = { type, files: await Promise.all([...control.files].map(upload)) };
    else state = { type, value: control.value === '' ? null : control.value };
    values[block.dataset.blockId] = { [control.dataset.actionId]: state };
  }
  return values;
}

function attachedFiles(form) {
  return [...form.querySelector('input[type=file]').files];
}

async function send(form, channel, threadTs) {
  const textarea = form.querySelector('textarea');
  const text = textarea.value;
  const files = attachedFiles(form);
  if (!text.trim() && files.length === 0) return;
  textarea.value = '';
  form.querySelector('input[type=file]').value = '';
  form.querySelector('.attachments').replaceChildren();
  const uploaded = await Promise.all(files.map(upload));
  await post('/api/say', { channel, text, threadTs, fileIds: uploaded.map((file) => file.id) });
}

function click(button) {
  const value = button.tagName === 'SELECT' ? button.value : (button.dataset.value ?? '');
  const action = {
    blockId: button.closest('[data-block-id]')?.dataset.blockId ?? '',
    actionId: button.dataset.actionId,
    value,
    label: button.dataset.label,
    element: button.dataset.element,
  };
  if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener');
  const message = button.closest('.message');
  if (button.closest('.modal')) return post('/api/click', { ...action, view: 'modal' });
  if (button.closest('.home-view')) return post('/api/click', { ...action, view: 'home' });
  if (message) return post('/api/click', { ...action, messageKey: message.dataset.key });
}

document.addEventListener('click', (event) => {
  const target = event.target.closest('button, [data-open-thread]');
  if (!target) return;
  if (target.dataset.nav) navigate(target.dataset.nav);
  else if (target.dataset.openThread) openThread(target.dataset.openThread);
  else if (target.hasAttribute('data-assistant')) {
    assistantWanted = true;
    if (assistant) openThread(assistantKey());
    post('/api/assistant', {});
  } else if (target.dataset.prompt) {
    const [channel, ts] = assistantKey().split(':');
    post('/api/say', { channel, text: target.dataset.prompt, threadTs: ts });
  } else if (target.id === 'close-thread') closeThread();
  else if (target.hasAttribute('data-close-modal')) post('/api/close', {});
  else if (target.dataset.actionId && target.type !== 'submit') click(target);
});

document.addEventListener('change', (event) => {
  const target = event.target;
  if (target.matches('select.sk-select') && target.value) click(target);
  if (target.matches('.composer input[type=file]')) {
    const chips = target.closest('.composer').querySelector('.attachments');
    chips.replaceChildren(
      ...[...target.files].map((file) => {
        const chip = document.createElement('span');
        chip.className = 'file-chip';
        chip.textContent = `📎 ${file.name}`;
        return chip;
      }),
    );
  }
});

document.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === 'composer') await send(form, view.conversation, undefined);
  else if (form.id === 'thread-composer') {
    const [channel, ts] = view.thread.split(':');
    await send(form, channel, ts);
  } else if (form.classList.contains('modal')) {
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    await post('/api/submit', { values: await stateValues(form) });
    button.disabled = false;
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && event.target.matches('.composer textarea')) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});

function connect() {
  const stream = new EventSource('/stream');
  stream.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === 'hello') {
      $('#bedrock-label').textContent = event.bedrock;
      $('#banner').hidden = !event.simulated;
      // Slack shows only what the manifest turns on.
      $('[data-nav=home]').hidden = !event.homeTab;
      $('[data-assistant]').hidden = !event.assistantPanel;
      document.body.dataset.ready = 'true';
    } else if (event.type === 'message') upsertMessage(event);
    else if (event.type === 'removed') document.getElementById(`m-${event.key}`)?.remove();
    else if (event.type === 'modal') showModal(event.html);
    else if (event.type === 'home')
      $('#home').innerHTML = event.html ?? '<p class="empty">Bedrock has no Home tab yet.</p>';
    else if (event.type === 'notice') toast(event.text);
    else if (event.type === 'assistant') {
      assistant = event;
      if (assistantWanted && view.thread !== assistantKey()) openThread(assistantKey());
      assistantWanted = false;
      showAssistant();
    }
  };
  stream.onerror = () => {
    document.body.dataset.ready = 'false';
  };
}

connect();
