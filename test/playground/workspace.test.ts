import { describe, expect, it } from 'vitest';
import { Workspace, type WorkspaceChange } from '../../src/playground/workspace.js';

function workspace() {
  let ts = 0;
  const shown = new Workspace(() => `2.${String(++ts).padStart(6, '0')}`);
  const changes: WorkspaceChange[] = [];
  shown.listen((change) => changes.push(change));
  return { shown, changes };
}

const call = (method: string, args: Record<string, unknown>, response: Record<string, unknown>) => ({
  kind: 'call' as const,
  call: { method, args, response, at: 0 },
});

describe('the playground workspace', () => {
  it('shows a message Slack refused with Slack’s error, where it would have appeared', () => {
    const { shown } = workspace();
    shown.follow(
      call('chat.postMessage', { channel: 'C0GENERAL', blocks: [] }, { ok: false, error: 'invalid_blocks' }),
    );
    const [refused] = shown.messages.values();
    expect(refused?.channel).toBe('C0GENERAL');
    expect(refused?.refused).toEqual({ method: 'chat.postMessage', error: 'invalid_blocks' });
  });

  it('keeps a message as it was when an update of it is refused, and says so', () => {
    const { shown } = workspace();
    shown.follow(call('chat.postMessage', { channel: 'C1', text: 'first' }, { ok: true, ts: '1.1' }));
    shown.follow(
      call('chat.update', { channel: 'C1', ts: '1.1', text: 'x' }, { ok: false, error: 'msg_too_long' }),
    );
    expect(shown.messages.get('C1:1.1')).toMatchObject({ text: 'first', refused: { error: 'msg_too_long' } });
  });

  it('threads replies under their parent and counts them', () => {
    const { shown } = workspace();
    shown.follow(call('chat.postMessage', { channel: 'C1', text: 'parent' }, { ok: true, ts: '1.1' }));
    shown.follow(
      call('chat.postMessage', { channel: 'C1', text: 'reply', thread_ts: '1.1' }, { ok: true, ts: '1.2' }),
    );
    expect(shown.messages.get('C1:1.2')?.threadTs).toBe('1.1');
    expect(shown.messages.get('C1:1.1')?.replies).toBe(1);
  });

  it('follows a response_url as Slack does: a click’s answer replaces the message unless told not to', () => {
    const { shown } = workspace();
    shown.follow(call('chat.postMessage', { channel: 'C1', text: 'compare' }, { ok: true, ts: '1.1' }));
    const click = shown.responseFor({ channel: 'C1', sourceKey: 'C1:1.1' });
    shown.follow({
      kind: 'response',
      responseId: click,
      body: { response_type: 'ephemeral', replace_original: false, text: 'only for you' },
    });
    const added = [...shown.messages.values()].at(-1);
    expect(added).toMatchObject({ text: 'only for you', ephemeral: true });
    shown.follow({ kind: 'response', responseId: click, body: { text: 'replaced' } });
    expect(shown.messages.get('C1:1.1')?.text).toBe('replaced');
    shown.follow({ kind: 'response', responseId: click, body: { delete_original: true } });
    expect(shown.messages.has('C1:1.1')).toBe(false);
  });

  it('refuses a response_url post Slack would refuse', () => {
    const { shown } = workspace();
    const command = shown.responseFor({ channel: 'C1' });
    shown.follow({
      kind: 'response',
      responseId: command,
      body: { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] },
    });
    expect([...shown.messages.values()][0]?.refused).toEqual({
      method: 'response_url',
      error: 'invalid_blocks',
    });
  });

  it('opens, stacks and closes modals, and keeps the Home tab a person was published', () => {
    const { shown, changes } = workspace();
    shown.follow(call('views.open', { view: {} }, { ok: true, view: { id: 'V1', title: 'one' } }));
    shown.follow(call('views.push', { view: {} }, { ok: true, view: { id: 'V2', title: 'two' } }));
    expect(shown.modal.map((view) => view.id)).toEqual(['V1', 'V2']);
    shown.showErrors({ prompt: 'Type a prompt.' });
    expect(shown.modal.at(-1)?.errors).toEqual({ prompt: 'Type a prompt.' });
    shown.closeModal();
    expect(shown.modal.map((view) => view.id)).toEqual(['V1']);
    shown.follow(call('views.publish', { user_id: 'U0YOU' }, { ok: true, view: { id: 'VH', type: 'home' } }));
    expect(shown.home?.id).toBe('VH');
    expect(changes.map((change) => change.kind)).toEqual(['modal', 'modal', 'modal', 'modal', 'home']);
  });

  it('follows the assistant panel: its suggested prompts, title and status, cleared by the reply', () => {
    const { shown } = workspace();
    const { panel, started } = shown.openAssistant('D0BEDROCK');
    expect(started).toBe(true);
    expect(shown.openAssistant('D0BEDROCK').started).toBe(false);
    const at = { channel_id: 'D0BEDROCK', thread_ts: panel.threadTs };
    shown.follow(
      call(
        'assistant.threads.setSuggestedPrompts',
        { ...at, prompts: [{ title: 'Compare', message: '/compare help' }] },
        { ok: true },
      ),
    );
    shown.follow(call('assistant.threads.setTitle', { ...at, title: 'Models' }, { ok: true }));
    shown.follow(call('assistant.threads.setStatus', { ...at, status: 'is thinking…' }, { ok: true }));
    expect(shown.assistant).toMatchObject({
      title: 'Models',
      status: 'is thinking…',
      prompts: [{ title: 'Compare', message: '/compare help' }],
    });
    shown.follow(
      call(
        'chat.postMessage',
        { channel: 'D0BEDROCK', thread_ts: panel.threadTs, text: 'hi' },
        { ok: true, ts: '3.1' },
      ),
    );
    expect(shown.assistant?.status).toBeUndefined();
  });
});
