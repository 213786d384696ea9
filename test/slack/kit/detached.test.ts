import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { WorkTracker } from '../../../src/ops/work-tracker.js';
import { runDetached } from '../../../src/slack/kit/detached.js';
import type { SlackMessage } from '../../../src/slack/kit/message.js';
import { StoreUnavailableError } from '../../../src/store/types.js';
import { LogCapture } from '../../support/harness.js';

function detach(task: () => Promise<unknown>) {
  const logs = new LogCapture();
  const work = new WorkTracker(() => undefined);
  const told: SlackMessage[] = [];
  runDetached(
    work,
    createLogger('info', logs),
    'slash command /compare',
    async (message) => told.push(message),
    task,
  );
  return { logs, work, told };
}

describe('work run after the ack', () => {
  it('is tracked until it ends, so a shutdown waits for it', async () => {
    let finish: () => void = () => undefined;
    const { work, told } = detach(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(work.size).toBe(1);
    finish();
    expect(await work.drain(1000)).toBe(true);
    expect(told).toEqual([]);
  });

  it('that fails tells the person in words, never a stack trace, and logs what failed', async () => {
    const { work, told, logs } = detach(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'modelId')");
    });
    await work.drain(1000);
    expect(told.map((message) => message.text)).toEqual([
      'Something went wrong on my side and this request did not finish. Please try again.',
    ]);
    expect(JSON.stringify(told)).not.toContain('modelId');
    expect(logs.lines.join('\n')).toContain('slash command /compare failed');
  });

  it('that fails for want of the store says the store is unreachable', async () => {
    const { work, told } = detach(async () => {
      throw new StoreUnavailableError(new Error('connect ECONNREFUSED'));
    });
    await work.drain(1000);
    expect(told[0]?.text).toMatch(/^The app’s state store \(Redis\) is unreachable/);
  });
});
