// End-to-end: Mem0's official npm client (mem0ai@3.3.1, MemoryClient) against the real `engram serve` process.
// Nothing but `host` changes from a Mem0 Platform setup. Run: npm ci && node --test (from tests/e2e).
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mem0, useMem0Client } from './mem0-setup.mjs';

const { MemoryClient, MemoryNotFoundError, AuthenticationError, ValidationError } = mem0;
const context = useMem0Client();
let server;
let client;
beforeEach(() => ({ server, client } = context));

async function pollEvent(eventId) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const response = await fetch(`${server.host}/v1/event/${eventId}/`, { headers: { Authorization: `Token ${server.apiKey}` } });
    assert.equal(response.status, 200);
    const event = await response.json();
    if (event.status === 'SUCCEEDED' || event.status === 'FAILED' || Date.now() > deadline) return event;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('ping returns the organization and project bound to the key', async () => {
  await client.ping();
  assert.equal(client.organizationId, 'default');
  assert.equal(client.projectId, 'default');
});

test('a wrong key is refused with AuthenticationError', async () => {
  const wrong = new MemoryClient({ apiKey: 'm0-wrong-key-0000000000', host: server.host });
  await assert.rejects(wrong.getAll({ filters: { user_id: 'x' } }), AuthenticationError);
});

test('add with infer false stores the messages synchronously', async () => {
  const result = await client.add(
    [
      { role: 'user', content: 'I love hiking in the Alps' },
      { role: 'user', content: 'My favourite drink is green tea' },
    ],
    { userId: 'e2e-ana', infer: false, metadata: { source: 'e2e' } },
  );
  assert.equal(result.results.length, 2);
  assert.equal(result.results[0].event, 'ADD');
  assert.equal(result.results[0].data.memory, 'I love hiking in the Alps');
});

test('add with infer true is queued, and the event can be polled to SUCCEEDED', async () => {
  const queued = await client.add('I moved to Lisbon last month. I work as a nurse at the city hospital.', { userId: 'e2e-ana' });
  assert.equal(queued.status, 'PENDING');
  assert.ok(queued.eventId);
  const event = await pollEvent(queued.eventId);
  assert.equal(event.status, 'SUCCEEDED', JSON.stringify(event));
  assert.ok(event.results.length >= 1);
  assert.ok(event.results.some((r) => /Lisbon/.test(r.data.memory)), JSON.stringify(event.results));
  assert.ok(event.latency >= 0);
});

test('search with filters finds the scope only', async () => {
  await client.add('Bob lives in Lisbon too', { userId: 'e2e-bob-search', infer: false });
  const found = await client.search('Where does the user live? Lisbon', { filters: { user_id: 'e2e-ana' }, topK: 5 });
  assert.ok(found.results.length >= 1);
  assert.ok(found.results.every((r) => r.userId === 'e2e-ana'));
  assert.ok(/Lisbon/.test(found.results[0].memory));
  assert.ok(found.results[0].score > 0 && found.results[0].score <= 1);

  const camel = await client.search('green tea', { filters: { userId: 'e2e-ana' } });
  assert.equal(camel.results[0].memory, 'My favourite drink is green tea');

  const byMetadata = await client.search('hiking', { filters: { AND: [{ user_id: 'e2e-ana' }, { metadata: { source: 'e2e' } }] } });
  assert.equal(byMetadata.results[0].memory, 'I love hiking in the Alps');

  await assert.rejects(client.search('', { filters: { user_id: 'e2e-ana' } }), ValidationError);
});

test('getAll pages through memories with count, next and previous', async () => {
  for (let i = 1; i <= 5; i++) {
    await client.add(`Paged memory ${i}`, { userId: 'e2e-pages', infer: false });
  }
  const first = await client.getAll({ filters: { user_id: 'e2e-pages' }, page: 1, pageSize: 2 });
  assert.equal(first.count, 5);
  assert.equal(first.results.length, 2);
  assert.ok(first.next);
  assert.equal(first.previous, null);
  assert.equal(first.results[0].memory, 'Paged memory 5');
  const last = await client.getAll({ filters: { user_id: 'e2e-pages' }, page: 3, pageSize: 2 });
  assert.equal(last.results.length, 1);
  assert.equal(last.next, null);
  assert.ok(last.previous);
});

test('get, update and history of one memory', async () => {
  const added = await client.add('Works at Acme', { userId: 'e2e-carol', agentId: 'e2e-agent', infer: false });
  const id = added.results[0].data.id ?? added.results[0].id;

  const memory = await client.get(id);
  assert.equal(memory.memory, 'Works at Acme');
  assert.equal(memory.userId, 'e2e-carol');
  assert.equal(memory.agentId, 'e2e-agent');
  assert.ok(memory.createdAt);

  const updated = await client.update(id, { text: 'Works at Globex', metadata: { changed: true } });
  assert.equal(updated.memory, 'Works at Globex');

  const history = await client.history(id);
  assert.deepEqual(history.map((h) => h.event), ['ADD', 'UPDATE']);
  assert.equal(history[1].oldMemory, 'Works at Acme');
  assert.equal(history[1].newMemory, 'Works at Globex');
});

test('delete removes one memory; get then fails with MemoryNotFoundError', async () => {
  const added = await client.add('Temporary note', { userId: 'e2e-carol', infer: false });
  const id = added.results[0].id;
  const deleted = await client.delete(id);
  assert.match(deleted.message, /deleted/i);
  await assert.rejects(client.get(id), MemoryNotFoundError);
});

test('batch update, batch delete, feedback and project settings', async () => {
  const added = await client.add([{ role: 'user', content: 'Batch one' }, { role: 'user', content: 'Batch two' }], { userId: 'e2e-batch', infer: false });
  const [a, b] = added.results.map((r) => r.id);
  const updated = await client.batchUpdate([{ memoryId: a, text: 'Batch one, updated' }]);
  assert.match(updated.message, /updated 1/);
  assert.equal((await client.get(a)).memory, 'Batch one, updated');
  const feedback = await client.feedback({ memoryId: a, feedback: 'POSITIVE', feedbackReason: 'accurate' });
  assert.equal(feedback.feedback, 'POSITIVE');
  const removed = await client.batchDelete([a, b]);
  assert.match(removed.message, /deleted 2/);

  await client.updateProject({ customInstructions: 'Keep food preferences only.' });
  const project = await client.getProject({ fields: ['custom_instructions'] });
  assert.equal(project.customInstructions, 'Keep food preferences only.');
});

test('deleteAll removes every memory of a user', async () => {
  const result = await client.deleteAll({ userId: 'e2e-pages' });
  assert.ok(result.message);
  const left = await client.getAll({ filters: { user_id: 'e2e-pages' } });
  assert.equal(left.count, 0);
});

test('deprecated deleteUser deletes one entity through DELETE /v1/entities/{type}/{id}/', async () => {
  await client.add([{ role: 'user', content: 'I collect vintage postcards.' }], { user_id: 'e2e-old-route', infer: false });
  await client.add([{ role: 'user', content: 'Agent note.' }], { agent_id: 'e2e-old-agent', infer: false });

  const user = await client.deleteUser({ entity_id: 'e2e-old-route' });
  assert.equal(user.message, 'Entity deleted successfully.');
  assert.equal((await client.getAll({ filters: { user_id: 'e2e-old-route' } })).count, 0);

  const agent = await client.deleteUser({ entity_type: 'agent', entity_id: 'e2e-old-agent' });
  assert.equal(agent.message, 'Entity deleted successfully.');
  assert.equal((await client.getAll({ filters: { agent_id: 'e2e-old-agent' } })).count, 0);
});

test('users lists entities; deleteUsers deletes one, then all', async () => {
  const users = await client.users();
  const ana = users.results.find((e) => e.name === 'e2e-ana');
  assert.ok(ana, JSON.stringify(users.results));
  assert.equal(ana.type, 'user');
  assert.ok(ana.totalMemories >= 3);
  assert.ok(users.results.some((e) => e.type === 'agent' && e.name === 'e2e-agent'));

  const one = await client.deleteUsers({ userId: 'e2e-ana' });
  assert.equal(one.message, 'Entity deleted successfully.');
  const afterOne = await client.users();
  assert.ok(!afterOne.results.some((e) => e.name === 'e2e-ana'));
  assert.equal((await client.getAll({ filters: { user_id: 'e2e-ana' } })).count, 0);

  const all = await client.deleteUsers();
  assert.equal(all.message, 'All users, agents, apps and runs deleted.');
  assert.equal((await client.users()).results.length, 0);
});
