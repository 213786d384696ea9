import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/logger.js';
import { type DocumentKind, Documents } from '../../src/store/documents.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { LogCapture } from '../support/harness.js';

interface Note {
  title: string;
  stars: number;
}

const NOTE: DocumentKind<Note> = {
  name: 'note',
  version: 2,
  schema: z.object({ title: z.string(), stars: z.number().int() }),
};

describe('stored documents', () => {
  let store: Store;
  let logs: LogCapture;
  let notes: Documents<Note>;
  beforeEach(() => {
    store = storeOn(new MemoryBackend());
    logs = new LogCapture();
    notes = new Documents(store, NOTE, createLogger('warn', logs));
  });

  it('read back as they were written', async () => {
    await notes.set('note:1', { title: 'Nova vs Claude', stars: 4 }, 60);
    expect(await notes.get('note:1')).toEqual({ title: 'Nova vs Claude', stars: 4 });
    expect(logs.lines).toEqual([]);
  });

  it('that were never written, or were deleted, read as missing without a word in the log', async () => {
    await notes.set('note:1', { title: 'Nova vs Claude', stars: 4 }, 60);
    await notes.delete('note:1');
    expect(await notes.get('note:1')).toBeUndefined();
    expect(await notes.get('note:2')).toBeUndefined();
    expect(logs.lines).toEqual([]);
  });

  it('written in another version of their shape read as missing, and the log says which', async () => {
    await store.setJson('note:old', { v: 1, data: { title: 'Nova vs Claude', stars: 4 } }, 60);
    await store.setJson('note:bare', { title: 'Nova vs Claude', stars: 4 }, 60);
    expect(await notes.get('note:old')).toBeUndefined();
    expect(await notes.get('note:bare')).toBeUndefined();
    const warnings = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warnings).toEqual([
      expect.objectContaining({
        key: 'note:old',
        kind: 'note',
        msg: 'ignored a stored document of another version',
      }),
      expect.objectContaining({
        key: 'note:bare',
        kind: 'note',
        msg: 'ignored a stored document of another version',
      }),
    ]);
  });

  it('of this version but another shape read as missing, and the log names what is wrong', async () => {
    await store.setJson('note:damaged', { v: 2, data: { title: 'Nova vs Claude', stars: 'four' } }, 60);
    expect(await notes.get('note:damaged')).toBeUndefined();
    const [warning] = logs.lines.map(
      (line) => JSON.parse(line) as { msg: string; issues: { path: string[] }[] },
    );
    expect(warning?.msg).toBe('ignored a stored document that does not match its shape');
    expect(warning?.issues.map((issue) => issue.path)).toEqual([['stars']]);
  });

  it('that are not objects at all read as missing', async () => {
    await store.setJson('note:text', 'Nova vs Claude', 60);
    await store.setJson('note:null', null, 60);
    expect(await notes.get('note:text')).toBeUndefined();
    expect(await notes.get('note:null')).toBeUndefined();
  });
});
