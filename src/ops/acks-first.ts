import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long work may be held back by requests that keep coming, so it always starts. */
const MAX_HOLD_MS = 1000;

/**
 * Starts the work that follows an ack (a compare, a reply) only when no request is waiting for its own
 * ack. Node accepts one new connection per turn of its event loop (libuv 1.45+, Node 20+), so when 200
 * commands arrive at once, the last is accepted 200 turns later; were the first ones' compares to start
 * at once, every one of those turns would carry their work, and the last ack would wait seconds (the
 * ack tail of issue 14). So requests go first: held work starts, one a turn, once no connection waits
 * for its first request and no request for its answer, or once it has waited MAX_HOLD_MS.
 * Before `watch` is given a server (socket mode, unit specs) work starts at once.
 */
export class AcksFirst {
  /** Connections accepted that have not sent their first request, and requests not yet answered. */
  private waiting = 0;
  private readonly held: { since: number; start: () => void }[] = [];
  private watching = false;
  private pumping = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxHoldMs = MAX_HOLD_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  watch(server: Server): void {
    this.watching = true;
    const awaitingRequest = new WeakSet<Socket>();
    server.on('connection', (socket: Socket) => {
      this.waiting++;
      awaitingRequest.add(socket);
      socket.once('close', () => {
        if (awaitingRequest.delete(socket)) this.answered();
      });
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

  private schedule(): void {
    if (this.pumping || this.held.length === 0) return;
    this.pumping = true;
    setImmediate(() => this.pump());
  }

  /**
   * Starts the oldest held work, if no request waits (or it is overdue), then the next on a later turn:
   * its first steps run as microtasks once this callback returns, so one start a turn lets the poll
   * phase between two starts accept a new connection, whose request then goes first.
   */
  private pump(): void {
    this.pumping = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const oldest = this.held[0];
    if (!oldest) return;
    const waited = this.now() - oldest.since;
    if (this.waiting > 0 && waited < this.maxHoldMs) {
      // It starts when the requests are answered, or once it is overdue.
      this.timer = setTimeout(() => this.schedule(), this.maxHoldMs - waited);
      this.timer.unref();
      return;
    }
    this.held.shift();
    oldest.start();
    this.schedule();
  }
}
