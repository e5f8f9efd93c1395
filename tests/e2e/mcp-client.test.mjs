// End-to-end: the official MCP TypeScript SDK client (@modelcontextprotocol/sdk, Client + StreamableHTTPClientTransport)
// against `/mcp` of the real `engram serve` process, authenticated with the same API key as the REST API.
// Run: npm ci && node --test (from tests/e2e).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEngram } from './engram-server.mjs';

const TOOLS = [
  'add_memory', 'delete_all_memories', 'delete_entities', 'delete_memory', 'get_memories', 'get_memory', 'list_entities',
  'search_memories', 'update_memory',
];
const DEFAULT_USER = 'e2e-mcp-user';

let server;
let client;

async function connect(apiKey) {
  const mcp = new Client({ name: 'engram-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', server.host), {
    requestInit: { headers: { Authorization: `Token ${apiKey}` } },
  });
  await mcp.connect(transport);
  return mcp;
}

// Calls a tool and parses its text result (Mem0's JSON); a tool error fails the test with its message.
async function call(name, args = {}) {
  const result = await client.callTool({ name, arguments: args });
  const text = result.content.filter((c) => c.type === 'text').map((c) => c.text).join('');
  assert.ok(!result.isError, `${name} failed: ${text}`);
  return JSON.parse(text);
}

before(async () => {
  server = await startEngram({ env: { ENGRAM__MCP__DEFAULTUSERID: DEFAULT_USER } });
  client = await connect(server.apiKey);
});

after(async () => {
  await client?.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `engram serve should stop cleanly on SIGTERM:\n${server.output()}`);
  }
});

test('the server introduces itself and lists Mem0\'s MCP tools with their arguments', async () => {
  assert.equal(client.getServerVersion().name, 'engram');
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
  const add = tools.find((t) => t.name === 'add_memory');
  assert.ok(add.description.length > 20);
  assert.deepEqual(add.inputSchema.required, ['text']);
  for (const key of ['messages', 'user_id', 'agent_id', 'app_id', 'run_id', 'metadata', 'infer']) {
    assert.ok(key in add.inputSchema.properties, `add_memory has ${key}`);
  }
  const search = tools.find((t) => t.name === 'search_memories');
  assert.ok(search.annotations?.readOnlyHint);
  assert.ok(['query', 'filters', 'limit'].every((key) => key in search.inputSchema.properties));
});

test('add, search, get, update and delete through MCP, visible through the REST API of the same key', async () => {
  const added = await call('add_memory', { text: 'Noor keeps bees on the roof', infer: false, metadata: { topic: 'hobby' } });
  assert.equal(added.results[0].event, 'ADD');
  const id = added.results[0].id;

  const found = await call('search_memories', { query: 'Who keeps bees?', limit: 3 });
  assert.equal(found.results[0].id, id);
  assert.equal(found.results[0].user_id, DEFAULT_USER);
  assert.ok(found.results[0].score > 0 && found.results[0].score <= 1);

  const rest = await fetch(`${server.host}/v1/memories/${id}/`, { headers: { Authorization: `Token ${server.apiKey}` } });
  assert.equal(rest.status, 200);
  assert.equal((await rest.json()).metadata.topic, 'hobby');

  const updated = await call('update_memory', { memory_id: id, text: 'Noor keeps two hives on the roof' });
  assert.equal(updated.memory, 'Noor keeps two hives on the roof');
  assert.equal((await call('get_memory', { memory_id: id })).memory, 'Noor keeps two hives on the roof');

  await call('delete_memory', { memory_id: id });
  const missing = await client.callTool({ name: 'get_memory', arguments: { memory_id: id } });
  assert.equal(missing.isError, true);
  assert.match(missing.content[0].text, /not found/);
});

test('get_memories pages with filters; entities are listed and deleted', async () => {
  for (const text of ['Bo plays chess', 'Bo drinks coffee', 'Bo lives in Oslo']) {
    await call('add_memory', { text, user_id: 'e2e-mcp-bo', infer: false });
  }
  const page = await call('get_memories', { filters: { user_id: 'e2e-mcp-bo' }, page: 1, page_size: 2 });
  assert.equal(page.count, 3);
  assert.equal(page.results.length, 2);
  const chess = await call('search_memories', { query: 'chess', filters: { AND: [{ user_id: 'e2e-mcp-bo' }] } });
  assert.equal(chess.results[0].memory, 'Bo plays chess');

  const { results } = await call('list_entities');
  assert.ok(results.some((e) => e.id === 'e2e-mcp-bo' && e.type === 'user' && e.total_memories === 3), JSON.stringify(results));
  await call('delete_entities', { user_id: 'e2e-mcp-bo' });
  assert.equal((await call('get_memories', { filters: { user_id: 'e2e-mcp-bo' } })).count, 0);

  await call('add_memory', { text: 'Default user note', infer: false });
  assert.match((await call('delete_all_memories')).message, /Deleted 1/);
});

test('bad arguments are tool errors with a clear message', async () => {
  const result = await client.callTool({ name: 'search_memories', arguments: { query: 'x', filters: { topic: { between: 1 } } } });
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /Unknown filter operator/i);
});

test('a wrong key is refused with 401, and GET /mcp is 405 (stateless)', async () => {
  await assert.rejects(connect('m0-wrong-key-0000000000'), (error) => /401|Unauthorized/i.test(`${error.code} ${error.message} ${error.name}`));

  const get = await fetch(`${server.host}/mcp`, { headers: { Authorization: `Token ${server.apiKey}`, Accept: 'text/event-stream' } });
  assert.equal(get.status, 405);
});
