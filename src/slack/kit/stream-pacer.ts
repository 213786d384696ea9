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
   * Reserves the workspace's next free slot at least `intervalMs` after `previousAt` (a stream's last
   * call) and returns when it is, as a delay from now in milliseconds.
   */
  reserve(teamId: string, previousAt: number): number {
    const now = this.now();
    const gap = 60_000 / this.perMinute;
    const at = Math.max(now, previousAt + this.intervalMs, (this.lastByTeam.get(teamId) ?? -gap) + gap);
    this.lastByTeam.set(teamId, at);
    return at - now;
  }

  get clock(): number {
    return this.now();
  }
}
