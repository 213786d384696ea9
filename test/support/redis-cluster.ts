import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real 3-node Redis Cluster on loopback (three masters, no replicas), made as an operator makes
 * one: redis-server with `--cluster-enabled yes`, then `redis-cli --cluster create`. Its files live
 * in a temporary folder that `stop` removes with the servers.
 */
export class RedisCluster {
  private readonly servers: ChildProcess[] = [];
  private folder = '';
  ports: number[] = [];

  /** REDIS_CLUSTER_NODES for it. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async start(): Promise<void> {
    this.folder = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
    // Cluster nodes talk on port + 10000 too, so both must be free.
    while (this.ports.length < 3) {
      const port = await freePort();
      if (port < 55_000 && !this.ports.includes(port)) this.ports.push(port);
    }
    await Promise.all(this.ports.map((port) => this.startNode(port)));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every node must agree that all slots are served before a client can rely on it.
    for (const port of this.ports) {
      for (let attempt = 0; ; attempt++) {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (attempt > 100) throw new Error(`the cluster node on ${port} never became ready`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async startNode(port: number): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.folder, `nodes-${port}.conf`),
        '--dir',
        this.folder,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.servers.push(child);
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.once('error', (error) => reject(new Error(`redis-server could not start: ${error.message}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined);
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    if (this.folder) await rm(this.folder, { recursive: true, force: true });
  }
}
