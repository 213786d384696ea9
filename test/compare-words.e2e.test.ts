import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockSimulator, DEFAULT_MODELS } from '../src/playground/bedrock-simulator.js';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const fresh = () => {
  counter += 1;
  return { channelId: `CW${counter}`, userId: `UW${counter}`, responseId: `rw${counter}` };
};

const ephemeralTo = (responseId: string) => bench.slack.responseTo(responseId, 'ephemeral');

const compareStartedIn = (channel: string) =>
  bench.slack.waitFor(() =>
    bench.slack
      .callsOf('chat.postMessage')
      .find((call) => call.args.channel === channel && call.response?.ok),
  );

const promptsSent = () =>
  bench.bedrock.calls.flatMap((call) =>
    call.body.messages.flatMap((message) => message.content.map((block) => String(block.text ?? ''))),
  );

beforeAll(async () => {
  // A region without Meta's models: help must not offer what this catalog cannot run.
  const bedrock = new BedrockSimulator(DEFAULT_MODELS.filter((model) => !model.modelId.startsWith('meta.')));
  bench = await startBench({ bedrock, env: { RATE_LIMIT_USER_PER_MINUTE: '100' } });
});
afterAll(() => bench.stop());

describe('/compare help', () => {
  it('offers only examples the live catalog accepts, and each one runs', async () => {
    const who = fresh();
    await bench.sender.command('/compare', 'help', who);
    const help = visibleText((await ephemeralTo(who.responseId)).body.blocks);
    expect(help).not.toContain('llama3-70b');

    const examples = [...help.matchAll(/`(\/compare [^`[]+)`/g)].map((match) => match[1] ?? '');
    const runs = examples.filter(
      (example) => !example.startsWith('/compare leaderboard') && example !== '/compare settings',
    );
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // Reasoning and tiers are shown on models of this catalog that take them.
    expect(examples.some((example) => /--think \d+ --effort high/.test(example))).toBe(true);
    expect(examples.some((example) => /\S+@flex \S+@priority/.test(example))).toBe(true);
    for (const example of examples) {
      const run = fresh();
      const forms = bench.slack.callsOf('views.open').length;
      await bench.sender.command('/compare', example.replace(/^\/compare /, ''), run);
      if (example === '/compare settings') {
        const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[forms]);
        expect(opened.response?.ok).toBe(true);
      } else if (example.startsWith('/compare leaderboard')) {
        expect(visibleText((await ephemeralTo(run.responseId)).body.blocks)).not.toContain(':warning:');
      } else {
        const started = await compareStartedIn(run.channelId);
        expect(visibleText(started.args.blocks)).not.toContain(':warning:');
      }
    }

    // The names, model ID and profile ID the usage line offers are accepted too.
    const usage = help.match(/Models first[^•]*/)?.[0] ?? '';
    const names = [...usage.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
    expect(names.length).toBeGreaterThanOrEqual(4);
    const run = fresh();
    await bench.sender.command('/compare', `${names.join(' ')} hi`, run);
    expect(visibleText((await compareStartedIn(run.channelId)).args.blocks)).not.toContain(':warning:');
  });
});

describe('leading words that name models', () => {
  it.each([
    ['nosuchmodel nova-lite hi', 'I don’t know a Bedrock model called `nosuchmodel`.'],
    ['nova-lite nosuchmodel sonnet hi', 'I don’t know a Bedrock model called `nosuchmodel`.'],
    ['nova-mikro nova-lite hi', 'Did you mean `nova-micro`'],
    ['amazon.nova-nano-v1:0 hi', 'I don’t know a Bedrock model called `amazon.nova-nano-v1:0`.'],
    ['titan-embed-text-v2 nova-micro hello', 'Titan Text Embeddings V2 makes embeddings, not text'],
    ['nova-reel nova-micro hello', 'Nova Reel makes videos, not text'],
  ])('answers %j privately and runs nothing', async (text, expected) => {
    const who = fresh();
    await bench.sender.command('/compare', text, who);
    const reply = visibleText((await ephemeralTo(who.responseId)).body.blocks);
    expect(reply).toContain(expected);
    expect(bench.slack.callsOf('chat.postMessage').some((call) => call.args.channel === who.channelId)).toBe(
      false,
    );
    expect(promptsSent()).not.toContain(text);
  });

  it('names models that exist when nothing is close to the unknown word', async () => {
    const who = fresh();
    await bench.sender.command('/compare', 'nosuchmodel nova-lite hi', who);
    const reply = visibleText((await ephemeralTo(who.responseId)).body.blocks);
    expect(reply).toMatch(/Did you mean|Models you can name here include `/);
  });

  it.each([
    'explain nova-lite pricing in one line',
    'What is node.js?',
    'well-known facts about S3, briefly',
    'x86-64 assembly in one line',
    'write sonnet lines about S3',
    'covid-19 in one sentence',
  ])('sends %j whole as the prompt to the default pair', async (text) => {
    const who = fresh();
    await bench.sender.command('/compare', text, who);
    await compareStartedIn(who.channelId);
    await bench.slack.waitFor(
      () => promptsSent().filter((prompt) => prompt === text).length === 2 || undefined,
    );
  });
});
