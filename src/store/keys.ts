/**
 * Every key the app keeps in the store, with how long it lives, in one place: a reader sees at a
 * glance what is stored, for how long, and which keys could collide. Keys are relative: the store
 * adds its own prefix and a namespace per primitive (documents, counters, claims, totals, locks).
 * A TTL the operator configures (conversations, the catalog cache) is passed in, not written here.
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface StoreKey {
  readonly key: string;
  readonly ttlSeconds: number;
}

/** Compare runs are kept for a week: long enough for "Run again", "Show full answer" and votes. */
export const RUN_TTL_SECONDS = 7 * DAY;

export const keys = {
  // Slack requests
  /** Slack redelivers an event it thinks was lost (X-Slack-Retry-Num); an hour covers its retries. */
  event: (teamId: string, eventId: string): StoreKey => ({
    key: `event:${teamId}:${eventId}`,
    ttlSeconds: HOUR,
  }),
  /** A signed body seen once; twice Slack's 5-minute clock window, so a replay is always caught. */
  signedRequest: (signature: string): StoreKey => ({ key: `signed:${signature}`, ttlSeconds: 10 * MINUTE }),
  /** conversations.replies calls per workspace per minute (Slack allows one for most apps). */
  threadReads: (teamId: string): StoreKey => ({ key: `replies:${teamId}`, ttlSeconds: MINUTE }),
  userName: (teamId: string, userId: string): StoreKey => ({
    key: `user-name:${teamId}:${userId}`,
    ttlSeconds: DAY,
  }),

  // Usage limits
  userRequests: (teamId: string, userId: string): StoreKey => ({
    key: `user:${teamId}:${userId}`,
    ttlSeconds: MINUTE,
  }),
  teamRequests: (teamId: string): StoreKey => ({ key: `team:${teamId}`, ttlSeconds: MINUTE }),
  /** A UTC day's spend; kept a second day so a request at midnight still reads the right total. */
  dailySpend: (teamId: string, userId: string, day: string): StoreKey => ({
    key: `spend:${teamId}:${userId}:${day}`,
    ttlSeconds: 2 * DAY,
  }),

  // Kept by the store itself (src/store/store.ts), each a hash, kept until the app removes an entry
  /** Each person's saved model choices, one field per user. */
  preferences: (teamId: string): StoreKey => ({ key: `preferences:${teamId}`, ttlSeconds: 0 }),
  /** Watched jobs, one field per job and channel; the status each last announced is kept beside them. */
  jobWatches: (): StoreKey => ({ key: 'watches', ttlSeconds: 0 }),
  jobWatchesSeen: (): StoreKey => ({ key: 'watches:seen', ttlSeconds: 0 }),

  // Bedrock
  catalog: (ttlSeconds: number): StoreKey => ({ key: 'catalog:v1', ttlSeconds }),

  // Compare
  compareRun: (runId: string): StoreKey => ({ key: `compare:${runId}`, ttlSeconds: RUN_TTL_SECONDS }),
  vote: (runId: string, userId: string): StoreKey => ({
    key: `vote:${runId}:${userId}`,
    ttlSeconds: RUN_TTL_SECONDS,
  }),
  voteTally: (runId: string): StoreKey => ({ key: `votes:${runId}`, ttlSeconds: RUN_TTL_SECONDS }),
  verdict: (runId: string): StoreKey => ({ key: `verdict:${runId}`, ttlSeconds: RUN_TTL_SECONDS }),
  /** The workspace's standings never expire: they are what the leaderboard is. */
  leaderboard: (teamId: string, what: string): StoreKey => ({
    key: `leaderboard:${teamId}:${what}`,
    ttlSeconds: 0,
  }),

  // Feedback (thumbs on one answer)
  /** One person's feedback on one answer, counted once; kept as long as the answer can be acted on. */
  feedbackGiven: (answer: string, userId: string, ttlSeconds: number): StoreKey => ({
    key: `feedback:${answer}:${userId}`,
    ttlSeconds,
  }),

  // Usage per model, what App Home shows
  /** One person's requests, tokens and cost per model in a UTC day; kept a second day, like spend. */
  dailyUsage: (teamId: string, who: string, day: string): StoreKey => ({
    key: `usage:${teamId}:${who}:${day}`,
    ttlSeconds: 2 * DAY,
  }),
  /** The same per UTC month (`2026-12`); kept into the next month, so last month reads until it ends. */
  monthlyUsage: (teamId: string, who: string, month: string): StoreKey => ({
    key: `usage:${teamId}:${who}:${month}`,
    ttlSeconds: 62 * DAY,
  }),

  // App Home
  /**
   * What each person's Home tab last showed (a hash), so opening it again publishes nothing when
   * nothing changed; a day at most, after which the next open publishes afresh.
   */
  homeShown: (teamId: string, userId: string): StoreKey => ({
    key: `home:${teamId}:${userId}`,
    ttlSeconds: DAY,
  }),

  // Channel settings
  /** A channel's default compare set, chat model and system prompt: a year after they were last saved. */
  channelSettings: (teamId: string, channelId: string): StoreKey => ({
    key: `channel-settings:${teamId}:${channelId}`,
    ttlSeconds: 365 * DAY,
  }),

  // Evaluations: kept as long as conversations (CONVERSATION_TTL_DAYS), so results stay readable
  /** What was asked: the set's rows, the models, the judge, the estimate; written once. */
  evaluation: (id: string, ttlSeconds: number): StoreKey => ({ key: `evaluation:${id}`, ttlSeconds }),
  /** One record per finished row × model (and judged pair), the first one kept: a row is paid once. */
  evaluationResults: (id: string, ttlSeconds: number): StoreKey => ({
    key: `evaluation-results:${id}`,
    ttlSeconds,
  }),
  /** Started, cancelled, finished, posted: each recorded once, whichever replica gets there first. */
  evaluationControl: (id: string, ttlSeconds: number): StoreKey => ({
    key: `evaluation-control:${id}`,
    ttlSeconds,
  }),
  /** Evaluations under way, which every replica joins at start and on each sweep; kept until they end. */
  evaluationsRunning: (): StoreKey => ({ key: 'evaluations-running', ttlSeconds: 0 }),
  /**
   * A replica's claim on one row × model while it runs it: longer than the model's time limit and
   * the judge's after it, so a live claim is never taken over; a dead replica's frees itself.
   */
  evaluationClaim: (id: string, unit: string, ttlSeconds: number): StoreKey => ({
    key: `evaluation-claim:${id}:${unit}`,
    ttlSeconds,
  }),
  /** The replica that keeps the progress message and posts the results; renewed while it lives. */
  evaluationDriver: (id: string): StoreKey => ({ key: `evaluation-driver:${id}`, ttlSeconds: 30 }),

  /** Every arena vote and pairwise judge verdict of a workspace: what its ratings are computed from. */
  arenaVotes: (teamId: string): StoreKey => ({ key: `arena:${teamId}`, ttlSeconds: 0 }),

  // Chat
  conversation: (conversationId: string, ttlSeconds: number): StoreKey => ({
    key: `conversation:${conversationId}`,
    ttlSeconds,
  }),
  /** conversations.history calls per workspace per minute (Slack allows one), to find a DM's placeholder. */
  channelReads: (teamId: string): StoreKey => ({ key: `history:${teamId}`, ttlSeconds: MINUTE }),

  // Jobs
  /** A "More" button's page of the job list: long enough to read a page, short enough not to pile up. */
  jobsPage: (cursor: string): StoreKey => ({ key: `jobs-page:${cursor}`, ttlSeconds: 15 * MINUTE }),
  /** Members of a Slack user group on a jobs allow-list; a change shows within five minutes. */
  groupMembers: (teamId: string, groupId: string): StoreKey => ({
    key: `usergroup:${teamId}:${groupId}`,
    ttlSeconds: 5 * MINUTE,
  }),
} as const;
