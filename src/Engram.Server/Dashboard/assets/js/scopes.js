// Scopes: the users, agents, apps and runs that have memories, with their memory counts (GET /v1/entities/).
import { api } from './api.js';
import { h, fill, state, when } from './dom.js';

const kinds = [['user', 'Users'], ['agent', 'Agents'], ['app', 'Apps'], ['run', 'Runs']];

export async function scopesView(main) {
  const data = await api('GET', '/v1/entities/?page_size=200');
  const totals = { user: data.total_users, agent: data.total_agents, app: data.total_apps, run: data.total_runs };
  const sections = kinds.map(([kind, title]) => {
    const rows = data.results.filter((e) => e.type === kind);
    return h('section', { class: 'card', 'aria-labelledby': `scopes-${kind}` },
      h('h2', { id: `scopes-${kind}` }, `${title} (${totals[kind] ?? rows.length})`),
      rows.length === 0
        ? state.empty(`No ${title.toLowerCase()} yet.`)
        : h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Id'), h('th', { scope: 'col', class: 'num' }, 'Memories'), h('th', { scope: 'col' }, 'Last change'))),
          h('tbody', {}, rows.map((e) => h('tr', {},
            h('td', {}, h('a', { href: `#/memories/${encodeURIComponent(kind)}/${encodeURIComponent(e.id)}` }, e.id)),
            h('td', { class: 'num' }, String(e.total_memories)),
            h('td', {}, when(e.updated_at))))))));
  });
  fill(main, h('h1', {}, 'Scopes'), h('p', { class: 'hint' }, 'Select an id to see its memories.'), h('div', { class: 'grid' }, sections));
}
