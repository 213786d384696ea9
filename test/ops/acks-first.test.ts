import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AcksFirst } from '../../src/ops/acks-first.js';

/** A loopback HTTP server whose requests are answered when the spec says so. */
async function serve(acks: AcksFirst) {
  const waiting: http.ServerResponse[] = [];
  const server = http.createServer((_request, response) => waiting.push(response));
  acks.watch(server);
  const accepted = new Promise<void>((resolve) => server.once('connection', () => resolve()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await accepted;
  return {
    server,
    socket,
    request: () => socket.write('POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'),
    received: async () => {
      while (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      return waiting.shift() as http.ServerResponse;
    },
  };
}

const turns = (count: number) =>
  Array.from({ length: count }).reduce<Promise<unknown>>(
    (previous) => previous.then(() => new Promise((resolve) => setImmediate(resolve))),
    Promise.resolve(),
  );

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('work that follows an ack', () => {
  it('starts at once when no server is watched (socket mode)', () => {
    const started: string[] = [];
    new AcksFirst().hold(() => started.push('work'));
    expect(started).toEqual(['work']);
  });

  it('waits while a connection has not sent its request, and while a request is unanswered, then starts', async () => {
    const acks = new AcksFirst({ maxHoldMs: 60_000, firstRequestMs: 60_000 });
    const { server, socket, request, received } = await serve(acks);
    close = () => {
      socket.destroy();
      server.close();
    };
    const started: string[] = [];
    acks.hold(() => started.push('first'));
    acks.hold(() => started.push('second'));
    await turns(10);
    expect(started).toEqual([]);

    request();
    const response = await received();
    await turns(10);
    expect(started).toEqual([]);

    response.end();
    await new Promise<void>((resolve) => response.once('close', () => resolve()));
    await turns(3);
    expect(started).toEqual(['first', 'second']);
  });

  it('starts once it has waited its longest, however many requests keep waiting', async () => {
    const acks = new AcksFirst({ maxHoldMs: 30, firstRequestMs: 60_000 });
    const { server, socket } = await serve(acks);
    close = () => {
      socket.destroy();
      server.close();
    };
    await new Promise<void>((resolve) => acks.hold(resolve));
  });

  it('no longer waits for a connection that closed without a request', async () => {
    const acks = new AcksFirst({ maxHoldMs: 60_000, firstRequestMs: 60_000 });
    const { server, socket } = await serve(acks);
    close = () => server.close();
    const started = new Promise<void>((resolve) => acks.hold(resolve));
    socket.destroy();
    await started;
  });

  it('no longer waits for a connection that sends nothing (opened ahead of need)', async () => {
    const acks = new AcksFirst({ maxHoldMs: 60_000, firstRequestMs: 20 });
    const { server, socket } = await serve(acks);
    close = () => {
      socket.destroy();
      server.close();
    };
    await new Promise<void>((resolve) => acks.hold(resolve));
  });
});
