import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';

/** A runtime client's settings for `bedrock`: its endpoint and credentials, one attempt per call. */
export function simulatorClientConfig(bedrock: BedrockSimulator): BedrockRuntimeClientConfig {
  const env = bedrock.env();
  return {
    region: env.AWS_REGION,
    endpoint: bedrock.runtimeUrl,
    maxAttempts: 1,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  };
}
