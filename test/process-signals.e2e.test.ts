import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockSimulator } from '../src/playground/bedrock-simulator.js';
import { LocalSlack } from '../src/playground/local-slack.js';
import { BOT_TOKEN, SIGNING_SECRET } from './support/harness.js';

/** Every process below `root`, as `ps` sees them now. */
function descendantsOf(root: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  for (let frontier = [root]; frontier.length > 0; ) {
    const children = table.filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...children);
    frontier = children;
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('`npm start`, as a process manager runs it', () => {
  const slack = new LocalSlack();
  const bedrock = new BedrockSimulator();
  const started: number[] = [];

  beforeAll(async () => {
    slack.botToken = BOT_TOKEN;
    await Promise.all([slack.start(), bedrock.start()]);
  });
  afterAll(async () => {
    // Whatever outlived the test (an orphaned app, before the fix) is ours to end.
    for (const pid of started.filter(alive)) process.kill(pid, 'SIGKILL');
    await Promise.all([slack.stop(), bedrock.stop()]);
  });

  it('drains and exits, app and all, on a SIGTERM sent to npm alone', async () => {
    const npm: ChildProcess = spawn('npm', ['start', '--silent'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        ...bedrock.env(),
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_APP_TOKEN: '',
        SLACK_API_URL: slack.apiUrl,
        REDIS_URL: '',
        PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    npm.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      npm.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await slack.waitFor(() => output.includes('listening for Slack in HTTP mode'), 20_000);
    const app = descendantsOf(npm.pid!);
    started.push(npm.pid!, ...app);
    expect(app.length).toBeGreaterThan(0);

    npm.kill('SIGTERM');

    expect(await exited).toEqual({ code: 0, signal: null });
    await slack.waitFor(() => app.every((pid) => !alive(pid)), 10_000);
    expect(output).toContain('shutting down: finishing work in flight');
  });
});
