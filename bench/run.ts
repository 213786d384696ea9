/** Latency and load figures on the offline bench. Run with `npm run bench`. */
import { benchChat } from './chat.js';
import { benchCompare } from './compare.js';
import { benchJobs } from './jobs.js';
import { benchNativeStreaming } from './native-streaming.js';
import { benchPromptCache } from './prompt-cache.js';

await benchCompare();
await benchChat();
await benchNativeStreaming();
await benchJobs();
await benchPromptCache();
