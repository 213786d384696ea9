/** What went wrong with a model call, in words a Slack user can act on. */
export const FAILURE_KINDS = [
  'throttled',
  'access-denied',
  'needs-profile',
  'validation',
  'conflict',
  'not-found',
  'timeout',
  'not-ready',
  'model-error',
  'unavailable',
  'network',
  'cut-short',
  'unreadable',
  'no-credentials',
  'credentials-denied',
  'stopped',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface ModelFailure {
  kind: FailureKind;
  /** One friendly sentence for Slack; never a stack trace, never credentials. */
  message: string;
  /** Bedrock's own message, shortened, for people who need the detail. */
  detail?: string;
}

/** The name of the error an answer's stream throws when it ended before the answer did. */
export const STREAM_CUT_SHORT = 'StreamCutShortError';

/** An answer's stream that ended before the answer did: a reset stream, a dropped connection. */
export function streamCutShort(message: string): Error {
  const error = new Error(message);
  error.name = STREAM_CUT_SHORT;
  return error;
}

const KIND_BY_ERROR: Record<string, FailureKind> = {
  ThrottlingException: 'throttled',
  ServiceQuotaExceededException: 'throttled',
  AccessDeniedException: 'access-denied',
  UnrecognizedClientException: 'credentials-denied',
  InvalidSignatureException: 'credentials-denied',
  ExpiredTokenException: 'credentials-denied',
  CredentialsProviderError: 'no-credentials',
  ValidationException: 'validation',
  ConflictException: 'conflict',
  ResourceNotFoundException: 'not-found',
  ModelTimeoutException: 'timeout',
  TimeoutError: 'timeout',
  AbortError: 'timeout',
  ModelNotReadyException: 'not-ready',
  ModelErrorException: 'model-error',
  ModelStreamErrorException: 'model-error',
  InternalServerException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
  [STREAM_CUT_SHORT]: 'cut-short',
};

const MESSAGES: Record<FailureKind, string> = {
  throttled: 'Bedrock is throttling this model right now (too many requests). Try again in a minute.',
  'access-denied':
    'This AWS account cannot use this model. Enable it under "Model access" in the Bedrock console, and check that the app’s IAM role allows bedrock:InvokeModelWithResponseStream.',
  'needs-profile':
    'This model can only be called through an inference profile, and none was found for this region.',
  validation: 'Bedrock rejected the request for this model.',
  conflict: 'Bedrock refused: the resource is not in a state that allows this.',
  'not-found': 'Bedrock does not know this model in this region.',
  timeout: 'The model did not finish in time.',
  'not-ready': 'The model is still warming up. Try again in a moment.',
  'model-error': 'The model failed while answering. Try again, or rephrase the prompt.',
  unavailable: 'Bedrock is unavailable for this model right now. Try again shortly.',
  network: 'Could not reach Bedrock.',
  'cut-short':
    'The connection to Bedrock broke before the answer ended: what arrived is shown, but it is incomplete. Try again.',
  unreadable:
    'I couldn’t read Bedrock’s answer: it was not in the form the AWS SDK expects. The details are in the app’s log for whoever runs it.',
  'no-credentials':
    'The app’s AWS credentials are missing, so it cannot call Bedrock. Whoever runs the app must give it credentials (see the README).',
  'credentials-denied':
    'Bedrock denied the app’s AWS credentials (unknown, expired or wrongly signed). Whoever runs the app must renew them.',
  stopped: 'The person who asked stopped the answer.',
};

/** Not a failure of Bedrock's: the person who asked ended the call while the answer streamed. */
export const STOPPED_BY_PERSON: ModelFailure = { kind: 'stopped', message: MESSAGES.stopped };

/** Failures that are not Bedrock being busy or down, so their message must not be "Bedrock did not answer". */
const NOT_AN_OUTAGE: ReadonlySet<FailureKind> = new Set([
  'unreadable',
  'no-credentials',
  'credentials-denied',
]);

export function isOutage(kind: FailureKind): boolean {
  return !NOT_AN_OUTAGE.has(kind);
}

/**
 * True for an answer that arrived but could not be read: the SDK failed to parse the HTTP answer (it
 * then attaches `$response` but, unlike a service error, no `$fault`) or a frame of the event stream.
 */
function isUnreadable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ('$response' in error && !('$fault' in error)) return true;
  return (
    error.name === 'SyntaxError' ||
    /Deserialization error|checksum|prelude|RFC-3339|date-time value/i.test(error.message)
  );
}

export function classifyBedrockError(error: unknown): ModelFailure {
  const name = error instanceof Error ? error.name : 'Error';
  const raw = error instanceof Error ? error.message : String(error);
  if (isUnreadable(error)) return { kind: 'unreadable', message: MESSAGES.unreadable };
  const detail = raw.replace(/\s+/g, ' ').slice(0, 300) || undefined;
  if (/inference profile/i.test(raw) && name === 'ValidationException') {
    return { kind: 'needs-profile', message: MESSAGES['needs-profile'], detail };
  }
  if (/service tier/i.test(raw) && name === 'ValidationException') {
    return {
      kind: 'validation',
      message:
        'Bedrock refused the service tier asked for: this model does not offer it in this Region. Run it without `@tier` (the standard tier).',
      detail,
    };
  }
  const kind =
    KIND_BY_ERROR[name] ?? (/ECONNREFUSED|ENOTFOUND|socket|network/i.test(raw) ? 'network' : 'unavailable');
  return { kind, message: MESSAGES[kind], detail };
}
