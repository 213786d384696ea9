/**
 * How many calls one model may have in flight, found by AIMD as TCP finds a window: each finished
 * call adds 1/limit (so a full round of successes adds one), a throttled call halves it. Calls that
 * started before a cut do not cut again: one burst of throttling is one signal.
 */
export class AimdLimiter {
  private window: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Bumped on every cut; a call started under an older one does not cut again. */
  private epoch = 0;

  constructor(private readonly options: { initial: number; min?: number; max: number }) {
    this.window = Math.min(options.max, Math.max(this.min, options.initial));
  }

  private get min(): number {
    return this.options.min ?? 1;
  }

  /** Calls allowed in flight now. */
  get limit(): number {
    return Math.floor(this.window);
  }

  get inFlight(): number {
    return this.active;
  }

  /** Waits for a free slot; the returned ticket says how the call went. */
  async acquire(): Promise<{ succeeded(): void; throttled(): void; failed(): void }> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    const epoch = this.epoch;
    let done = false;
    const release = (change: () => void) => {
      if (done) return;
      done = true;
      this.active--;
      change();
      this.wake();
    };
    return {
      succeeded: () =>
        release(() => {
          this.window = Math.min(this.options.max, this.window + 1 / this.limit);
        }),
      throttled: () =>
        release(() => {
          if (epoch !== this.epoch) return;
          this.epoch++;
          this.window = Math.max(this.min, this.window / 2);
        }),
      failed: () => release(() => {}),
    };
  }

  /** Every waiter checks again for a slot; the few that fit go, the rest wait on. */
  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
