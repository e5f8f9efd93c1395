// Shared set-up of the tests that drive `engram serve` with Mem0's npm client: the client's telemetry off and its config
// file in a temporary directory, one real server per test file (started before its tests, stopped cleanly after), and a
// MemoryClient whose host is that server — nothing but `host` changes from a Mem0 Platform setup.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEngram } from './engram-server.mjs';

process.env.MEM0_TELEMETRY = 'false';
process.env.MEM0_DIR = mkdtempSync(path.join(tmpdir(), 'mem0-config-'));

/** The mem0ai module, imported after its environment is set. */
export const mem0 = await import('mem0ai');

/** Starts a server for the current test file; `context.server` and `context.client` are set once it runs. */
export function useMem0Client() {
  const context = { server: undefined, client: undefined };
  before(async () => {
    context.server = await startEngram();
    context.client = new mem0.MemoryClient({ apiKey: context.server.apiKey, host: context.server.host });
  });
  after(async () => {
    if (context.server) {
      const code = await context.server.stop();
      assert.equal(code, 0, `engram serve should stop cleanly on SIGTERM:\n${context.server.output()}`);
    }
  });
  return context;
}
