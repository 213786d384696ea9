/**
 * Work that outlives its Slack ack (a compare streams for seconds after the 3-second ack). On
 * SIGTERM the app stops taking requests and waits for this work, up to a bound, before it exits.
 */
export class WorkTracker {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Starts `work` detached; its failure is reported, never thrown into Bolt after the ack. */
  run(work: () => Promise<unknown>): void {
    const task = work()
      .catch(this.onError)
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves true when all work finished within `timeoutMs`, false when time ran out first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const allDone = (async () => {
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      return true as const;
    })();
    const finished = await Promise.race([allDone, timeout]);
    clearTimeout(timer);
    return finished;
  }
}
