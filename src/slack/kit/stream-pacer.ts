/**
 * Spaces the calls that append to streamed messages so one workspace stays within Slack's limit for
 * `chat.appendStream` (Tier 4: about 100 a minute, for all the app's streams in the workspace
 * together), and each stream within one call per `intervalMs`. Text that arrives in between is
 * gathered into the next call. Per process: replicas each keep their own pace.
 */
export class StreamPacer {
  private readonly lastByTeam = new Map<string, number>();

  constructor(
    readonly intervalMs = 1000,
    private readonly perMinute = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * How long, from now, until a stream whose last call went out at `previousAt` may call again; an
   * append (`appending`) also waits for the workspace's next free slot, a stream's start does not.
   */
  delay(teamId: string, previousAt: number, appending: boolean): number {
    const gap = 60_000 / this.perMinute;
    const last = appending ? this.lastByTeam.get(teamId) : undefined;
    const teamFree = (last ?? Number.NEGATIVE_INFINITY) + gap;
    return Math.max(0, previousAt + this.intervalMs - this.now(), teamFree - this.now());
  }

  /** An append goes out now, for the workspace's count. */
  appended(teamId: string): void {
    this.lastByTeam.set(teamId, this.now());
  }

  get clock(): number {
    return this.now();
  }
}
