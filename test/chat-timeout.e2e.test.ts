import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationId } from '../src/store/types.js';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;

beforeAll(async () => {
  bench = await startBench({
    env: {
      CHAT_DEFAULT_MODEL: 'claude-3.5-haiku',
      COMPARE_MODEL_TIMEOUT_SECONDS: '2',
      RATE_LIMIT_USER_PER_MINUTE: '1000',
    },
  });
});
afterAll(() => bench.stop());

describe('a thread answer still streaming at the time limit', () => {
  it('says it was cut off, shows what arrived with an estimated cost, and stores it marked partial', async () => {
    // Two words a second of a long answer: still streaming at 2 s.
    bench.bedrock.script('anthropic.claude-3-5-haiku-20241022-v1:0', {
      answer: `Lambda runs code ${'without servers '.repeat(40)}`,
      tokensPerSecond: 2,
    });
    const channel = 'CCUT';
    const ts = '1800000100.000100';
    const text = '<@UBOT> what is Lambda?';
    bench.slack.seedMessage(channel, { ts, user: 'UADA', text });
    await bench.sender.event({ type: 'app_mention', user: 'UADA', text, ts, channel, event_ts: ts });

    const final = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.update')
        .find((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('cut off')),
    );
    const shown = visibleText(final.args.blocks);
    expect(shown).toContain('Lambda runs code');
    expect(shown).toContain('⏱ cut off: timed out after 2 s, so this answer is partial');
    expect(shown).toMatch(/≈\$0\.0*[1-9]/);
    expect(shown).not.toMatch(/\$0(?![.\d])/);
    expect(shown).not.toContain('0 in / 0 out');

    const stored = await bench.app.store.getConversation(conversationId('T0001', channel, ts));
    expect(stored?.turns.at(-1)).toMatchObject({ role: 'assistant', partial: true });
    expect(stored?.turns.at(-1)?.text).toContain('Lambda runs code');
    expect(stored?.costUsd).toBeGreaterThan(0);
  });
});
