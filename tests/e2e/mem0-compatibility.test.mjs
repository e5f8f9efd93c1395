// End-to-end, issue 18: what programs that work on Mem0 do through the official npm client (mem0ai@3.3.1), against the
// real `engram serve`: a host with a trailing slash, metadata keys named like ids, backdating timestamps, nested metadata
// filters and memory types, immutable memories, fields, delete_linked, and the parameters Engram refuses with a 400.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mem0, useMem0Client } from './mem0-setup.mjs';

const { MemoryClient, ValidationError } = mem0;
const context = useMem0Client();
let server;
let client;
beforeEach(() => ({ server, client } = context));

const idOf = (added) => added.results[0].id;
const memoriesOf = async (filters) => (await client.getAll({ filters })).results.map((m) => m.memory);

test('a host with a trailing slash works for every call', async () => {
  const slashed = new MemoryClient({ apiKey: server.apiKey, host: `${server.host}/` });
  await slashed.ping();
  assert.equal(slashed.projectId, 'default');
  const added = await slashed.add('Trailing slashes are fine', { userId: 'compat-slash', infer: false });
  assert.equal((await slashed.get(idOf(added))).memory, 'Trailing slashes are fine');
  assert.equal((await slashed.getAll({ filters: { user_id: 'compat-slash' } })).count, 1);
  assert.equal((await slashed.search('slashes', { filters: { user_id: 'compat-slash' } })).results.length, 1);
});

test('metadata keys named like ids are plain metadata; the four Mem0 strips are dropped; identity never comes from metadata', async () => {
  const metadata = { session_id: 's1', app_id: 'a1', org_id: 'o1', project_id: 'p1', user_id: 'mallory', run_id: 'mallory' };
  const added = await client.add('Prefers window seats', { userId: 'compat-meta', infer: false, metadata });
  const memory = await client.get(idOf(added));
  assert.deepEqual(memory.metadata, { session_id: 's1', app_id: 'a1', org_id: 'o1', project_id: 'p1' });
  assert.equal(memory.userId, 'compat-meta');
  assert.equal(memory.sessionId, null);

  assert.deepEqual(await memoriesOf({ AND: [{ user_id: 'compat-meta' }, { metadata: { session_id: 's1' } }] }), ['Prefers window seats']);
  assert.deepEqual(await memoriesOf({ user_id: 'compat-meta', session_id: 's1' }), []);

  const updated = await client.update(idOf(added), { metadata: { session_id: 's2', agent_id: 'mallory' } });
  assert.equal(updated.metadata.session_id, 's2');
  assert.equal(updated.agentId, null);
  // The npm client's batchUpdate sends text only (batch metadata is covered by the server tests' exact request).
  await client.batchUpdate([{ memoryId: idOf(added), text: 'Prefers aisle seats' }]);
  assert.deepEqual((await client.get(idOf(added))).metadata, { session_id: 's2', app_id: 'a1', org_id: 'o1', project_id: 'p1' });
});

test('timestamp backdates created_at, in seconds or milliseconds, and a timestamp-only update moves it', async () => {
  const seconds = await client.add('Backdated in seconds', { userId: 'compat-time', infer: false, timestamp: 1672531200 });
  const millis = await client.add('Backdated in milliseconds', { userId: 'compat-time', infer: false, timestamp: Date.UTC(2023, 1, 1) });
  await client.add('Added now', { userId: 'compat-time', infer: false });
  assert.match((await client.get(idOf(seconds))).createdAt, /^2023-01-01/);
  assert.match((await client.get(idOf(millis))).createdAt, /^2023-02-01/);

  const february = await client.getAll({ filters: { user_id: 'compat-time' }, startDate: '2023-01-15', endDate: '2023-02-15' });
  assert.deepEqual(february.results.map((m) => m.memory), ['Backdated in milliseconds']);

  const moved = await client.update(idOf(seconds), { timestamp: Date.UTC(2022, 5, 1) });
  assert.match(moved.createdAt, /^2022-06-01/);
  assert.equal(moved.memory, 'Backdated in seconds');
});

test('errors are ProblemDetails with detail, served as application/json', async () => {
  const response = await fetch(`${server.host}/v3/memories/add/`, {
    method: 'POST',
    headers: { Authorization: `Token ${server.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: 'no scope' }),
  });
  assert.equal(response.status, 400);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.match((await response.json()).detail, /user_id/);
  await assert.rejects(client.add('no scope', {}), (error) => error instanceof ValidationError && /user_id/.test(error.message));
});

test('a nested metadata filter value is an equality on it; semantic and episodic memory types are accepted', async () => {
  await client.add('Nested one', { userId: 'compat-nested', infer: false, metadata: { a: { b: 1 } } });
  await client.add('Nested two', { userId: 'compat-nested', infer: false, metadata: { a: { b: 2 } } });
  assert.deepEqual(await memoriesOf({ AND: [{ user_id: 'compat-nested' }, { metadata: { a: { b: 1 } } }] }), ['Nested one']);

  for (const memoryType of ['semantic_memory', 'episodic_memory']) {
    const added = await client.add(`Typed ${memoryType}`, { userId: 'compat-typed', infer: false, memoryType });
    assert.equal((await client.get(idOf(added))).memory, `Typed ${memoryType}`);
  }
});

test('an immutable memory is stored as such and its update is refused', async () => {
  const added = await client.add('Blood type is O negative', { userId: 'compat-immutable', infer: false, immutable: true });
  assert.equal((await client.get(idOf(added))).immutable, true);
  await assert.rejects(client.update(idOf(added), { text: 'Blood type is A' }), (error) => error instanceof ValidationError && /immutable/.test(error.message));
  assert.equal((await client.get(idOf(added))).memory, 'Blood type is O negative');
});

test('fields project search and list answers; keyword search is always on', async () => {
  await client.add('Projected memory about tea', { userId: 'compat-fields', infer: false });
  const found = await client.search('tea', { filters: { user_id: 'compat-fields' }, fields: ['id', 'memory'], keywordSearch: true });
  assert.deepEqual(Object.keys(found.results[0]).sort(), ['id', 'memory']);
  const listed = await client.getAll({ filters: { user_id: 'compat-fields' }, fields: ['memory'] });
  assert.deepEqual(listed.results, [{ memory: 'Projected memory about tea' }]);
  await assert.rejects(client.search('tea', { filters: { user_id: 'compat-fields' }, keywordSearch: false }), ValidationError);
});

test('deleteLinked answers cascadeCount; includes, excludes and agent instructions are accepted; structured_data_schema is refused', async () => {
  const added = await client.add('Delete me with my chain', { userId: 'compat-linked', infer: false });
  const deleted = await client.delete(idOf(added), { deleteLinked: true });
  assert.equal(deleted.cascadeCount, 0);

  const queued = await client.add('I love dim sum', {
    userId: 'compat-instructions', includes: 'food preferences', excludes: 'passwords', agentCustomInstructions: 'Note promises.',
  });
  assert.equal(queued.status, 'PENDING');
  await assert.rejects(
    client.add('x', { userId: 'compat-schema', structuredDataSchema: { type: 'object' } }),
    (error) => error instanceof ValidationError && /structured_data_schema/.test(error.message),
  );
});
