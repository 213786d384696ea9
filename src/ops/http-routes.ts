import type { CustomRoute } from '@slack/bolt';
import type { Store } from '../store/types.js';
import type { Metrics } from './metrics.js';

/** GET /healthz and GET /metrics beside Slack's endpoint, on the same port (HTTP mode). */
export function operationsRoutes(store: Store, metrics: Metrics): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_request, response) => {
        void store.ping().then((reachable) => {
          response.writeHead(reachable ? 200 : 503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ status: reachable ? 'ok' : 'store unreachable', store: store.kind }));
        });
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_request, response) => {
        void metrics.registry.metrics().then((text) => {
          response.writeHead(200, { 'content-type': metrics.registry.contentType });
          response.end(text);
        });
      },
    },
  ];
}
