import { type Catalog, CatalogSource } from '../../src/bedrock/catalog.js';
import { createBedrockClients } from '../../src/bedrock/clients.js';
import { PriceBook } from '../../src/bedrock/pricing.js';
import { ChatService } from '../../src/chat/service.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { ConversationStore, Store } from '../../src/store/types.js';

/** The real Bedrock SDK clients against the emulator, the embedded store, and a chat service over both. */
export interface ChatBench {
  bedrock: BedrockSimulator;
  store: Store;
  catalog: Catalog;
  service(options?: { modelTimeoutMs?: number; conversations?: ConversationStore }): ChatService;
  stop(): Promise<void>;
}

export async function startChatBench(): Promise<ChatBench> {
  const bedrock = new BedrockSimulator();
  await bedrock.start();
  // The AWS SDK reads its endpoint overrides and credentials from the process environment itself.
  Object.assign(process.env, bedrock.env());
  const clients = createBedrockClients('us-east-1', createLogger('silent'));
  const store = storeOn(new MemoryBackend());
  const catalog = await new CatalogSource(clients.control, store, 'us-east-1', 60).load();
  return {
    bedrock,
    store,
    catalog,
    service: ({ modelTimeoutMs = 10_000, conversations = store } = {}) =>
      new ChatService({
        runtime: clients.runtime,
        conversations,
        locks: store,
        prices: new PriceBook(),
        metrics: createMetrics(),
        modelTimeoutMs,
        maxTokens: 1_000,
        ttlSeconds: 3_600,
      }),
    async stop() {
      clients.runtime.destroy();
      clients.control.destroy();
      await bedrock.stop();
    },
  };
}
