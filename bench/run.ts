/**
 * Latency and load figures on the offline bench. `npm run bench` runs them all; `npm run bench --
 * load` (or compare, reasoning, chat, native-streaming, jobs, prompt-cache, evaluate, slack-limits,
 * replicas, acks) one of them. LOAD_LEVELS=25,50 picks the load levels (of acks too; ACK_ROUNDS=3 how
 * many times each).
 */
import { benchAcks } from './acks.js';
import { benchChat } from './chat.js';
import { benchCompare } from './compare.js';
import { benchEvaluate } from './evaluate.js';
import { benchJobs } from './jobs.js';
import { benchLoad, benchReplicas } from './load.js';
import { benchNativeStreaming } from './native-streaming.js';
import { benchPromptCache } from './prompt-cache.js';
import { benchReasoning } from './reasoning.js';
import { benchSlackLimits } from './slack-limits.js';

const benches: Record<string, () => Promise<void>> = {
  compare: benchCompare,
  reasoning: benchReasoning,
  chat: benchChat,
  'native-streaming': benchNativeStreaming,
  jobs: benchJobs,
  'prompt-cache': benchPromptCache,
  evaluate: benchEvaluate,
  'slack-limits': benchSlackLimits,
  load: () => benchLoad(process.env.LOAD_LEVELS?.split(',').map(Number)),
  replicas: () => benchReplicas(process.env.LOAD_LEVELS?.split(',').map(Number) ?? [50, 150]),
  acks: () => benchAcks(process.env.LOAD_LEVELS?.split(',').map(Number), Number(process.env.ACK_ROUNDS ?? 3)),
};
const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) throw new Error(`no bench named ${name}: ${Object.keys(benches).join(', ')}`);
  await bench();
}
