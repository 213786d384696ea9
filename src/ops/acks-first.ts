import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long work may be held back by requests that keep coming, so it always starts. */
const MAX_HOLD_MS = 1000;
/** How long a new connection counts as waiting for its request; a burst's are read within a few turns. */
const FIRST_REQUEST_MS = 250;
/** How long one turn may spend starting held work, and how many it may start at most. */
const SLICE_MS = 5;
const BATCH = 32;

/**
 * Starts the work that follows an ack (a compare, a reply) only when no request is waiting for its own
 * ack. Node accepts one new connection per turn of its event loop (libuv 1.45+, so Node 20+: libuv#3696
 * "don't accept() connections in a loop", nodejs/node#57364), so when 200 commands arrive at once, the
 * last is accepted 200 turns later; were the first ones' compares to start at once, every one of those
 * turns would carry their work, and the last ack would wait seconds (the ack tail of issue 14). So
 * requests go first: held work starts, oldest first and SLICE_MS a turn at most, once no connection
 * waits for its first request and no request for its answer, or once it has waited MAX_HOLD_MS.
 * Before `watch` is given a server (socket mode, unit specs) work starts at once.
 */
export class AcksFirst {
  /** Connections accepted that have not sent their first request, and requests not yet answered. */
  private waiting = 0;
  private readonly held: Held[] = [];
  private watching = false;
  private pumping = false;
  private timer: NodeJS.Timeout | undefined;

  private readonly maxHoldMs: number;
  private readonly firstRequestMs: number;
  private readonly now = () => performance.now();

  constructor(limits: { maxHoldMs?: number; firstRequestMs?: number } = {}) {
    this.maxHoldMs = limits.maxHoldMs ?? MAX_HOLD_MS;
    this.firstRequestMs = limits.firstRequestMs ?? FIRST_REQUEST_MS;
  }

  watch(server: Server): void {
    this.watching = true;
    const awaitingRequest = new WeakSet<Socket>();
    server.on('connection', (socket: Socket) => {
      this.waiting++;
      awaitingRequest.add(socket);
      const stopAwaiting = () => {
        if (awaitingRequest.delete(socket)) this.answered();
      };
      socket.once('close', stopAwaiting);
      // A connection that sends nothing soon (opened ahead of need, a slow client) holds no work back.
      setTimeout(stopAwaiting, this.firstRequestMs).unref();
    });
    server.on('request', (request, response) => {
      // The wait moves from the connection to its request.
      if (!awaitingRequest.delete(request.socket)) this.waiting++;
      // 'close' comes once the answer is sent, or the client went away.
      response.once('close', () => this.answered());
    });
  }

  /** Calls `start` at once when nothing waits for an ack, else on a later turn, once requests are answered. */
  hold(start: () => void): void {
    if (!this.watching) {
      start();
      return;
    }
    this.held.push({ since: this.now(), start });
    this.schedule();
  }

  private answered(): void {
    this.waiting--;
    if (this.waiting === 0) this.schedule();
  }

  /**
   * Queues a batch of starts for the coming check phase, one an immediate: Node runs each
   * immediate's microtasks (the first steps of the work it started) before the next, so the batch can
   * stop once it has spent SLICE_MS, and the poll phase of the turn after accepts a new connection.
   */
  private schedule(): void {
    if (this.pumping || this.held.length === 0) return;
    this.pumping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch: Batch = { left: Math.min(BATCH, this.held.length), stopped: false };
    for (let index = batch.left; index > 0; index--) setImmediate(() => this.step(batch));
  }

  private step(batch: Batch): void {
    batch.began ??= this.now();
    batch.left--;
    const oldest = this.held[0];
    if (!batch.stopped && oldest && this.mayStart(oldest) && this.now() - batch.began <= SLICE_MS) {
      this.held.shift();
      oldest.start();
    } else batch.stopped = true;
    if (batch.left > 0) return;
    this.pumping = false;
    const next = this.held[0];
    if (!next) return;
    if (this.mayStart(next)) this.schedule();
    else {
      // Requests wait: the work starts once they are answered (`answered`), or once it is overdue.
      this.timer = setTimeout(() => this.schedule(), next.since + this.maxHoldMs - this.now());
      this.timer.unref();
    }
  }

  private mayStart(work: Held): boolean {
    return this.waiting === 0 || this.now() - work.since >= this.maxHoldMs;
  }
}

interface Held {
  since: number;
  start: () => void;
}

/** The starts queued for one turn: how many are left to run, since when, and whether they stopped. */
interface Batch {
  left: number;
  began?: number;
  stopped: boolean;
}
