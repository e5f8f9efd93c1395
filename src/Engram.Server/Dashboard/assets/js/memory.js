// One memory: text, metadata, categories, source messages, supersession chain and history timeline; edit and delete.
import { api, ApiError } from './api.js';
import { h, fill, field, state, when, facts, toast } from './dom.js';
import { scopeText } from './memories.js';

export async function memoryView(main, [id]) {
  let memory;
  try {
    memory = await api('GET', `/v1/memories/${encodeURIComponent(id)}/`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      fill(main, h('h1', {}, 'Memory not found'), state.empty('This memory does not exist or was deleted.'), h('a', { href: '#/memories' }, '← Back to memories'));
      return;
    }
    throw error;
  }
  const [history, chain] = await Promise.all([api('GET', `/v1/memories/${encodeURIComponent(id)}/history/`), supersessionChain(memory)]);
  const sources = history.find((row) => row.input?.length)?.input ?? [];

  fill(main,
    h('p', {}, h('a', { href: '#/memories' }, '← Memories')),
    h('h1', {}, 'Memory'),
    h('section', { class: 'card', 'aria-labelledby': 'm-text' },
      h('h2', { id: 'm-text' }, 'Text'),
      h('p', { class: 'memory-text', id: 'memory-text' }, memory.memory),
      facts([
        ['Id', memory.id], ['Scope', scopeText(memory)], ['State', memory.lifecycle_state],
        ['Categories', (memory.categories ?? []).join(', ') || '—'], ['Created', when(memory.created_at)],
        ['Updated', when(memory.updated_at)], ['Said at', when(memory.timestamp)], ['Expires', memory.expiration_date ?? 'never'],
        ['Actor', memory.actor_id], ['Role', memory.role],
      ])),
    h('section', { class: 'card', 'aria-labelledby': 'm-meta' },
      h('h2', { id: 'm-meta' }, 'Metadata'),
      memory.metadata && Object.keys(memory.metadata).length
        ? h('pre', { class: 'json' }, JSON.stringify(memory.metadata, null, 2))
        : state.empty('No metadata.')),
    h('section', { class: 'card', 'aria-labelledby': 'm-sources' },
      h('h2', { id: 'm-sources' }, 'Source messages'),
      sources.length
        ? h('ol', { class: 'messages' }, sources.map((m) => h('li', {}, h('span', { class: 'role' }, m.role), ' ', m.content)))
        : state.empty('No source messages were kept.')),
    h('section', { class: 'card', 'aria-labelledby': 'm-chain' },
      h('h2', { id: 'm-chain' }, 'Supersession chain'),
      chain.length > 1
        ? h('ol', { class: 'chain' }, chain.map((m) => h('li', {}, m.id === memory.id
          ? h('strong', {}, m.memory, ' (this memory)')
          : h('a', { href: `#/memory/${encodeURIComponent(m.id)}` }, m.memory))))
        : state.empty('Not superseded.')),
    h('section', { class: 'card', 'aria-labelledby': 'm-history' },
      h('h2', { id: 'm-history' }, 'History'),
      history.length
        ? h('ol', { class: 'timeline', id: 'history' }, history.map((row) => h('li', {},
          h('span', { class: `badge ${row.event.toLowerCase()}` }, row.event), ' ', h('time', { datetime: row.created_at }, when(row.created_at)),
          row.old_memory ? h('div', { class: 'old' }, h('span', { class: 'visually-hidden' }, 'Before: '), row.old_memory) : null,
          row.new_memory ? h('div', { class: 'new' }, h('span', { class: 'visually-hidden' }, 'After: '), row.new_memory) : null)))
        : state.empty('No history.')),
    editForm(memory),
    deleteSection(memory));
}

/** The memories this one led to: follows replaced_by (at most 20 steps). */
async function supersessionChain(memory) {
  const chain = [memory];
  let next = memory.replaced_by;
  while (next && chain.length < 20 && !chain.some((m) => m.id === next)) {
    try {
      const item = await api('GET', `/v1/memories/${encodeURIComponent(next)}/`);
      chain.push(item);
      next = item.replaced_by;
    } catch {
      break;
    }
  }
  return chain;
}

function editForm(memory) {
  const text = h('textarea', { id: 'edit-text', rows: 3, required: true });
  text.value = memory.memory;
  const metadata = h('textarea', { id: 'edit-metadata', rows: 4, spellcheck: 'false' });
  metadata.value = memory.metadata ? JSON.stringify(memory.metadata, null, 2) : '';
  const message = h('p', { class: 'state', role: 'status' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'm-edit' },
    h('h2', { id: 'm-edit' }, 'Edit'),
    field('New text', text),
    field('Metadata (JSON object)', metadata),
    h('button', { type: 'submit' }, 'Save changes'),
    message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { text: text.value };
    if (metadata.value.trim()) {
      try {
        body.metadata = JSON.parse(metadata.value);
      } catch (error) {
        message.className = 'state error';
        fill(message, `Metadata is not valid JSON: ${error.message}`);
        return;
      }
    }
    fill(message, 'Saving…');
    try {
      await api('PUT', `/v1/memories/${encodeURIComponent(memory.id)}/`, body);
      toast('Memory saved.');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (error) {
      message.className = 'state error';
      fill(message, `Error: ${error.message}`);
    }
  });
  return form;
}

function deleteSection(memory) {
  const confirmButton = h('button', { type: 'button', class: 'danger', id: 'confirm-delete', hidden: true }, 'Yes, delete it');
  const start = h('button', { type: 'button', class: 'danger', id: 'delete' }, 'Delete memory');
  const message = h('p', { class: 'state', role: 'status' });
  start.addEventListener('click', () => { confirmButton.hidden = false; confirmButton.focus(); fill(message, 'Deleting cannot be undone.'); });
  confirmButton.addEventListener('click', async () => {
    try {
      await api('DELETE', `/v1/memories/${encodeURIComponent(memory.id)}/`);
      toast('Memory deleted.');
      location.hash = '#/memories';
    } catch (error) {
      message.className = 'state error';
      fill(message, `Error: ${error.message}`);
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'm-delete' }, h('h2', { id: 'm-delete' }, 'Delete'), start, ' ', confirmButton, message);
}
