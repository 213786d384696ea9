import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { checkAwsCredentials } from '../bedrock/credentials.js';
import { classifyBedrockError } from '../bedrock/errors.js';

/** Which Bedrock the playground talks to, and why: the real one, or the simulator in its place. */
export type BedrockChoice =
  | { kind: 'aws'; region: string }
  | {
      kind: 'simulated';
      /** Why, for the start line. */
      reason: string;
      /** Set when AWS credentials resolve but Bedrock refused them: the one line that says so. */
      warning?: string;
    };

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Real Bedrock when the AWS credential chain resolves and Bedrock accepts it (one
 * ListFoundationModels call, the catalog the app reads first anyway); otherwise the simulator, with
 * the reason. Credentials that resolve but are refused, or a Bedrock that cannot be reached, fall
 * back to simulated answers with one line saying so, rather than a playground where nothing works.
 */
export async function chooseBedrock(region: string, wanted: 'auto' | 'simulated'): Promise<BedrockChoice> {
  if (wanted === 'simulated') return { kind: 'simulated', reason: 'PLAYGROUND_BEDROCK=simulated' };
  const client = new BedrockClient({ region });
  try {
    const credentials = await checkAwsCredentials(client);
    if (!credentials.ok) return { kind: 'simulated', reason: 'no AWS credentials found' };
    await client.send(new ListFoundationModelsCommand({}), {
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return { kind: 'aws', region };
  } catch (error) {
    const { kind } = classifyBedrockError(error);
    const name = error instanceof Error ? error.name : 'Error';
    const refused = kind === 'credentials-denied' || kind === 'access-denied';
    return {
      kind: 'simulated',
      reason: refused ? 'AWS credentials refused' : 'Bedrock unreachable',
      warning: refused
        ? `AWS credentials were found but Bedrock in ${region} refused them (${name}); showing simulated answers instead. Renew the credentials or allow bedrock:ListFoundationModels (README, "AWS permissions") for real ones, or set PLAYGROUND_BEDROCK=simulated to skip this check.`
        : `could not reach Bedrock in ${region} (${name}); showing simulated answers instead. Check the network and AWS_REGION for real ones, or set PLAYGROUND_BEDROCK=simulated to skip this check.`,
    };
  } finally {
    client.destroy();
  }
}
