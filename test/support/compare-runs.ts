import { CompareRuns } from '../../src/compare/runs.js';
import type { CompareRun } from '../../src/compare/types.js';
import type { DocumentStore } from '../../src/store/types.js';

/** A compare run as the app stored it (checked against its schema), or undefined when none is. */
export async function storedRun(
  store: DocumentStore,
  runId: string,
  teamId = 'T0001',
): Promise<CompareRun | undefined> {
  const found = await new CompareRuns(store, { warn: () => {} }).find(runId, teamId);
  return found.ok ? found.value : undefined;
}
