import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobTimeline } from '../src/playground/bedrock-simulator.js';
import { type Playground, startPlayground } from '../src/playground/start.js';
import { type Browser, openBrowser } from './support/browser.js';

// The local playground in a real browser (Debian's Chromium): the real app behind the page, with the
// simulator for Bedrock, its job clock sped up twenty times and watched jobs polled every 300 ms.
let playground: Playground;
let browser: Browser;
let page: Page;

/** SCREENSHOTS=docs/images saves what these specs see, for README. */
async function screenshot(name: string): Promise<void> {
  if (process.env.SCREENSHOTS)
    await page.screenshot({ path: join(process.env.SCREENSHOTS, `${name}.jpg`), type: 'jpeg', quality: 70 });
}

async function type(text: string, composer = '#composer'): Promise<void> {
  await page.fill(`${composer} textarea`, text);
  await page.press(`${composer} textarea`, 'Enter');
}

const general = () => page.locator('#conv-C0GENERAL');

beforeAll(async () => {
  playground = await startPlayground({
    env: { LOG_LEVEL: 'warn' },
    settings: { port: 0, bedrock: 'auto', awsRegion: 'us-east-1' },
    jobClockSpeed: 20,
    appOverrides: { updateIntervalMs: 250, pollIntervalMs: 300 },
  });
  browser = await openBrowser();
  page = browser.page;
  await page.goto(playground.url);
  await page.waitForSelector('body[data-ready=true]');
});

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

describe('the local playground, in a browser', () => {
  it('says Bedrock is simulated, on the page and on every answer', async () => {
    expect(playground.bedrock.kind).toBe('simulated');
    await expect.poll(() => page.locator('#bedrock-label').innerText()).toContain('Simulated Bedrock');
    expect(await page.locator('#banner').isVisible()).toBe(true);
  });

  it('streams a typed /compare into #general, live, to its final figures', async () => {
    await type('/compare nova-micro claude-3.5-haiku What is retrieval-augmented generation?');
    const compare = general().locator('.message.bot').last();
    // Mid-stream: a model still answering, before the figures table arrives.
    await expect
      .poll(() => compare.innerText(), { timeout: 10_000 })
      .toMatch(/What is retrieval-augmented generation\?/);
    const midStream = await compare.innerText();
    expect(midStream).not.toContain('Total cost');
    await expect.poll(() => compare.innerText(), { timeout: 15_000 }).toContain('Total cost');
    const final = await compare.innerText();
    expect(final).toContain('Nova Micro');
    expect(final).toContain('Claude 3.5 Haiku');
    expect(final).toContain('Simulated answer from Nova Micro');
    expect(await compare.locator('.tag.simulated').count()).toBe(1);
    expect(await compare.locator('.block-table table tr').count()).toBe(3);
    if (process.env.SCREENSHOTS) {
      // Tall enough for the whole message: figures table, both answers, summary.
      await page.setViewportSize({ width: 1100, height: 1300 });
      await screenshot('playground-compare');
      await page.setViewportSize({ width: 1100, height: 720 });
    }
  });

  it('takes a thumbs-up on an answer and thanks you privately', async () => {
    const compare = general().locator('.message.bot').last();
    await compare.getByTitle('Good answer').first().click();
    const thanks = general().locator('.message.ephemeral').last();
    await expect.poll(() => thanks.innerText(), { timeout: 10_000 }).toContain('Thanks for the feedback');
    expect(await thanks.innerText()).toContain('Only visible to you');
  });

  it('opens "Show full answer" on a clipped answer, in a modal', async () => {
    const long = `${'A long simulated answer, sentence after sentence. '.repeat(90)}The very end.`;
    playground.simulator!.script('amazon.nova-lite-v1:0', {
      answer: long,
      tokensPerSecond: 5000,
      wordsPerChunk: 60,
    });
    await type('/compare nova-lite nova-micro Tell me everything');
    const compare = general().locator('.message.bot').last();
    const showFull = compare.getByRole('button', { name: 'Show full answer' });
    await showFull.first().waitFor({ timeout: 15_000 });
    await showFull.first().click();
    const modal = page.locator('#modal-layer .modal');
    await modal.waitFor();
    await expect.poll(() => modal.innerText()).toContain('The very end.');
    await page.locator('#modal-layer [data-close-modal]').first().click();
    await modal.waitFor({ state: 'detached' });
  });

  it('checks the /compare form inline, then runs it once it is right', async () => {
    await type('/compare');
    const modal = page.locator('#modal-layer .modal');
    await modal.waitFor({ timeout: 10_000 });
    await modal.locator('select[data-element=multi_static_select]').selectOption(['amazon.nova-micro-v1:0']);
    await modal.locator('textarea[id^="prompt--"]').fill('Name three AWS regions');
    await modal.getByRole('button', { name: 'Compare' }).click();
    const error = modal.locator('.input-error');
    await error.first().waitFor({ timeout: 10_000 });
    expect(await modal.locator('.block-input.has-error').getAttribute('data-block-id')).toBe('models');
    await screenshot('playground-compare-form');
    // What was typed survives the errors; now pick a second model.
    expect(await modal.locator('textarea[id^="prompt--"]').inputValue()).toBe('Name three AWS regions');
    await modal
      .locator('select[data-element=multi_static_select]')
      .selectOption(['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0']);
    await modal.getByRole('button', { name: 'Compare' }).click();
    await modal.waitFor({ state: 'detached', timeout: 10_000 });
    const compare = general().locator('.message.bot').last();
    await expect.poll(() => compare.innerText(), { timeout: 15_000 }).toContain('Name three AWS regions');
    await expect.poll(() => compare.innerText(), { timeout: 15_000 }).toContain('Total cost');
  });

  it('answers a mention of the bot in a thread, in that thread', async () => {
    await type('Has anyone tried Bedrock for our support bot?');
    const question = general().locator('.message.person').last();
    await question.hover();
    await question.locator('.reply-in-thread').click();
    await type('@Bedrock what would you suggest?', '#thread-composer');
    const thread = page.locator('#thread-lists .messages:not([hidden])');
    const answer = thread.locator('.message.bot').last();
    await expect.poll(() => answer.innerText(), { timeout: 15_000 }).toContain('Simulated answer from');
    expect(await thread.locator('.message.person').innerText()).toContain('@Bedrock what would you suggest?');
    await expect.poll(() => question.locator('.replies').innerText()).toBe('2 replies');
    await screenshot('playground-thread');
  });

  it('watches a customization job change, in the watch thread', async () => {
    if (await page.locator('#close-thread').isVisible()) await page.locator('#close-thread').click();
    // A job started now, so its stages change while it is watched (the clock runs 20× here).
    playground.simulator!.addJob({
      name: 'support-bot-nova',
      baseModelId: 'amazon.nova-micro-v1:0:128k',
      customModelName: 'support-bot-v1',
      timeline: jobTimeline('Completed'),
    });
    await type('/finetune-status watch support-bot-nova');
    const watch = general().locator('.message.bot', { hasText: 'support-bot-nova' }).last();
    await watch.waitFor({ timeout: 10_000 });
    const replies = watch.locator('.replies');
    await replies.waitFor({ timeout: 20_000 });
    await replies.click();
    const thread = page.locator('#thread-lists .messages:not([hidden])');
    await expect
      .poll(() => thread.innerText(), { timeout: 20_000 })
      .toContain('support-bot-nova: InProgress → Completed');
    await screenshot('playground-job-watch');
  });

  it('talks in the assistant panel, a thread in the DM with the bot', async () => {
    await page.locator('#close-thread').click();
    await page.getByRole('button', { name: 'Bedrock · Assistant' }).click();
    await expect.poll(() => page.locator('#thread-title').innerText()).toContain('Assistant');
    await type('What can you do?', '#thread-composer');
    const panel = page.locator('#thread-lists .messages:not([hidden])');
    await expect
      .poll(() => panel.locator('.message.bot').last().innerText(), { timeout: 15_000 })
      .toContain('Simulated answer from');
    expect(await panel.locator('.message.person').innerText()).toContain('What can you do?');
    // The thread lives in the DM, not in #general.
    expect(await general().innerText()).not.toContain('What can you do?');
    await page.locator('#close-thread').click();
  });

  it('sends a file attached in the DM to the model, as Slack shares it', async () => {
    await page.getByRole('button', { name: 'Bedrock', exact: true }).click();
    await page.locator('#composer input[type=file]').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Our support bot answers in under two seconds.'),
    });
    await expect.poll(() => page.locator('#composer .attachments').innerText()).toContain('notes.txt');
    const calls = playground.simulator!.calls.length;
    await type('Summarize the attached notes');
    const dm = page.locator('#conv-D0BEDROCK');
    await expect.poll(() => dm.locator('.message.person').last().innerText()).toContain('notes.txt');
    await expect
      .poll(() => dm.locator('.message.bot').last().innerText(), { timeout: 15_000 })
      .toContain('Simulated answer from');
    const sent = JSON.stringify(playground.simulator!.calls.slice(calls).map((call) => call.body.messages));
    expect(sent).toContain('"document"');
    await page.getByRole('button', { name: '# general' }).click();
  });

  it('takes a thumb on an answer, then shows Home with usage per model, defaults and the leaderboard', async () => {
    if (await page.locator('#close-thread').isVisible()) await page.locator('#close-thread').click();
    await page.locator('[data-nav=C0GENERAL]').click();
    const compare = general().locator('.message.bot', { hasText: 'Total cost' }).last();
    await compare.locator('button.feedback').first().click();
    await expect
      .poll(() => general().locator('.message.bot').last().innerText(), { timeout: 10_000 })
      .toContain('Thanks for the feedback');
    await page.locator('[data-nav=home]').click();
    const home = page.locator('#home .home-view');
    await expect.poll(() => home.innerText(), { timeout: 10_000 }).toContain('This month');
    const shown = await home.innerText();
    expect(shown).toContain('Your defaults');
    expect(shown).toMatch(/feedback 👍 1 👎 0/);
    // One line per model, whichever profile a thread invoked it through.
    expect(shown.match(/• Claude 3\.5 Haiku:/g)).toHaveLength(2); // today and this month
    await screenshot('playground-home');
    await page.locator('[data-nav=C0GENERAL]').click();
  });

  it("shows Slack's answer to a command it does not know", async () => {
    await type('/nosuchcommand hello');
    await expect
      .poll(() => general().locator('.message.slackbot').last().innerText())
      .toContain('/nosuchcommand is not a valid command');
  });
});
