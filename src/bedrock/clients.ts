import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

export interface BedrockClients {
  runtime: BedrockRuntimeClient;
  control: BedrockClient;
}

/**
 * Built once per process. Endpoints come from the SDK's own AWS_ENDPOINT_URL_BEDROCK[_RUNTIME];
 * credentials from the standard chain (or AWS_BEARER_TOKEN_BEDROCK for the runtime). The standard
 * retry mode backs off on throttling before a stream starts.
 */
export function createBedrockClients(region: string): BedrockClients {
  return {
    runtime: new BedrockRuntimeClient({ region, retryMode: 'standard', maxAttempts: 4 }),
    control: new BedrockClient({ region, retryMode: 'standard', maxAttempts: 4 }),
  };
}
