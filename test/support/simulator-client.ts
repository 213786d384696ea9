import type { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';

/**
 * A Bedrock client's settings for `bedrock`'s runtime or control plane: its endpoint and credentials,
 * one attempt per call (a spec that makes Bedrock fail sees it fail at once).
 */
export function simulatorClientConfig(bedrock: BedrockSimulator, plane: 'runtime' | 'control' = 'runtime') {
  const env = bedrock.env();
  return {
    region: env.AWS_REGION,
    endpoint: plane === 'runtime' ? bedrock.runtimeUrl : bedrock.controlUrl,
    maxAttempts: 1,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  };
}
