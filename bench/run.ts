/** Latency and load figures on the offline bench. Run with `npm run bench`. */
import { benchChat } from './chat.js';
import { benchCompare } from './compare.js';
import { benchJobs } from './jobs.js';
import { benchPromptCache } from './prompt-cache.js';
import { benchReasoning } from './reasoning.js';

await benchCompare();
await benchReasoning();
await benchChat();
await benchJobs();
await benchPromptCache();
