import { AcksFirst } from './acks-first.js';

/**
 * Work that outlives its Slack ack (a compare streams for seconds after the 3-second ack). On
 * SIGTERM the app stops taking requests and waits for this work, up to a bound, before it exits.
 * It starts once no request waits for its ack (`AcksFirst`), so a burst of commands is acked first.
 */
export class WorkTracker {
  private readonly running = new Set<Promise<unknown>>();
  private readonly closers = new Set<() => Promise<void>>();

  constructor(
    private readonly onError: (error: unknown) => void,
    readonly acksFirst = new AcksFirst(),
  ) {}

  /** Starts `work` detached (tracked from now, begun on its turn); its failure is reported, never thrown into Bolt after the ack. */
  run(work: () => Promise<unknown>): void {
    let begin: () => void = () => {};
    const task = new Promise<unknown>((resolve, reject) => {
      begin = () => {
        try {
          resolve(work());
        } catch (error) {
          reject(error);
        }
      };
    })
      .catch(this.onError)
      .finally(() => this.running.delete(task));
    this.running.add(task);
    this.acksFirst.hold(begin);
  }

  get size(): number {
    return this.running.size;
  }

  /**
   * Registers how to bring a message still in progress to a final state should the grace period end
   * first; returns the function that unregisters it once the message is final.
   */
  closeOnShutdown(close: () => Promise<void>): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  /**
   * Resolves true when all work finished within `timeoutMs`, false when time ran out first. Before
   * it runs out, the last part of it (up to 3 s) is kept to close every message still in progress,
   * so nothing is left at "writing…" by a restart.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const closingMs = Math.min(3000, timeoutMs / 4);
    const allDone = (async () => {
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      return true as const;
    })();
    if (await within(allDone, timeoutMs - closingMs, false)) return true;
    const closing = Promise.allSettled([...this.closers].map((close) => close())).then(() => false);
    await within(closing, closingMs, false);
    return false;
  }
}

/** `work`'s result, or `fallback` when `ms` pass first. */
async function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
