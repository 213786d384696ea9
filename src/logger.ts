import { type Logger as SlackLogger, LogLevel as SlackLogLevel } from '@slack/bolt';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

// Slack tokens, AWS keys and bearer values can appear inside free-text messages (Bolt and the Web
// API client log request bodies at debug level), so redacting fixed paths alone is not enough.
const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi,
  /(secret["'\s:=]+)[A-Za-z0-9/+=]{16,}/gi,
];

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (result, pattern) =>
      result.replace(pattern, (_match, prefix?: unknown) =>
        typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
      ),
    text,
  );
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactSecrets(value.message),
      stack: redactSecrets(value.stack ?? ''),
    };
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, depth + 1)]));
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const pretty = !destination && process.stdout.isTTY;
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'bedrock-slack' },
    redact: {
      paths: [
        'token',
        '*.token',
        'botToken',
        'appToken',
        'signingSecret',
        'headers.authorization',
        '*.password',
      ],
      censor: '[redacted]',
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => scrub(arg)) as Parameters<typeof method>);
      },
    },
  };
  if (destination) return pino(options, destination);
  return pretty
    ? pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } })
    : pino(options);
}

/** Logs nothing: the default where a caller (a unit spec, say) does not look at the log. */
export const silentLogger: Logger = pino({ enabled: false });

const toPino: Record<SlackLogLevel, pino.Level> = {
  [SlackLogLevel.DEBUG]: 'debug',
  [SlackLogLevel.INFO]: 'info',
  [SlackLogLevel.WARN]: 'warn',
  [SlackLogLevel.ERROR]: 'error',
};

/** Bolt and the Web API client log through this, so their lines are JSON and redacted like ours. */
export function slackLogger(logger: Logger): SlackLogger {
  let child = logger.child({ component: 'slack' });
  const write =
    (level: pino.Level) =>
    (...messages: unknown[]) => {
      child[level](
        messages
          .map((message) => (typeof message === 'string' ? message : JSON.stringify(scrub(message))))
          .join(' '),
      );
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => {
      // The operator's LOG_LEVEL governs; Bolt may not raise or lower it.
    },
    getLevel: () =>
      (Object.entries(toPino).find(([, level]) => level === logger.level)?.[0] as SlackLogLevel) ??
      SlackLogLevel.INFO,
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}
