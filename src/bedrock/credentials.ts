import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { failed, ok, problem, type Result } from '../result.js';

/** The one line a person starting the app needs when no AWS credentials can be found. */
const MISSING_CREDENTIALS =
  'AWS credentials are missing: set AWS_PROFILE (after `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run the app with an IAM role';

/**
 * Resolves the credentials the Bedrock clients sign with, through the clients' own provider chain
 * (environment, profile files, SSO, container or instance role), so a missing chain is reported at
 * start rather than on the first command. The problem names what to set.
 */
export async function checkAwsCredentials(client: BedrockClient): Promise<Result<void>> {
  try {
    await client.config.credentials();
    return ok(undefined);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    const missing =
      error instanceof Error && error.name === 'CredentialsProviderError' && /any providers/i.test(reason);
    return failed(
      problem(
        'unavailable',
        missing
          ? MISSING_CREDENTIALS
          : `AWS credentials could not be loaded (${reason}): check AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      ),
    );
  }
}
