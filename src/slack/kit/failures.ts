import { classifyBedrockError, isOutage } from '../../bedrock/errors.js';
import { StoreUnavailableError } from '../../store/types.js';

/** What a person is told when the model catalog could not be read. */
export function catalogFailure(error: unknown): string {
  const { kind, message } = classifyBedrockError(error);
  if (!isOutage(kind)) return `I couldn’t load the Bedrock model catalog. ${message}`;
  if (kind === 'access-denied') {
    return 'I couldn’t read the Bedrock model catalog: the app’s AWS role needs bedrock:ListFoundationModels and bedrock:ListInferenceProfiles.';
  }
  return 'I couldn’t read the Bedrock model catalog: Bedrock did not answer. Please try again in a minute.';
}

/** What a person is told when their request failed unexpectedly: never a stack trace, never silence. */
export function describeFailure(error: unknown): string {
  if (error instanceof StoreUnavailableError) {
    return 'The app’s state store (Redis) is unreachable, so I can’t run this now. Please try again in a minute; if it persists, tell whoever runs this app.';
  }
  return 'Something went wrong on my side and this request did not finish. Please try again.';
}
