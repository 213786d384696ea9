import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** What /metrics exposes. One registry per app instance so tests can run several side by side. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'bedrock_slack_requests_total',
      help: 'Slack requests handled, by kind (command, event, action, view) and name',
      labelNames: ['kind', 'name'] as const,
      registers: [registry],
    }),
    modelLatency: new Histogram({
      name: 'bedrock_slack_model_latency_seconds',
      help: 'Time from request to the last token, per model',
      labelNames: ['model'] as const,
      buckets: [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    modelFirstToken: new Histogram({
      name: 'bedrock_slack_model_first_token_seconds',
      help: 'Time from request to the first token, per model',
      labelNames: ['model'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers: [registry],
    }),
    modelTokens: new Counter({
      name: 'bedrock_slack_model_tokens_total',
      help: 'Tokens sent to and received from models',
      labelNames: ['model', 'direction'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'bedrock_slack_errors_total',
      help: 'Failures, by where they happened and their kind',
      labelNames: ['where', 'kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
