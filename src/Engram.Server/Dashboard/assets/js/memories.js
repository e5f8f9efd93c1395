// Memories: a filtered, sorted, paginated table (POST /v3/memories/?page=&page_size=).
// Filters go to the server (scope, category, created date range, text); sorting orders the rows of the current page.
import { api, scopeFilter } from './api.js';
import { h, fill, field, state, when } from './dom.js';

const filters = { kind: 'user', id: '', category: '', from: '', to: '', text: '', includeSuperseded: false, page: 1, pageSize: 25, sort: 'created_desc' };

const sorters = {
  created_desc: (a, b) => b.created_at.localeCompare(a.created_at),
  created_asc: (a, b) => a.created_at.localeCompare(b.created_at),
  updated_desc: (a, b) => b.updated_at.localeCompare(a.updated_at),
  text_asc: (a, b) => a.memory.localeCompare(b.memory),
};

export async function memoriesView(main, [kind, id]) {
  if (kind && id) Object.assign(filters, { kind, id, page: 1 });
  const kindSelect = h('select', { id: 'flt-kind' }, ['user', 'agent', 'app', 'run'].map((k) => h('option', { value: k, selected: filters.kind === k }, k)));
  const idInput = h('input', { id: 'flt-id', type: 'text', value: filters.id, placeholder: 'any', autocomplete: 'off' });
  const category = h('input', { id: 'flt-category', type: 'text', value: filters.category, placeholder: 'any' });
  const from = h('input', { id: 'flt-from', type: 'date', value: filters.from });
  const to = h('input', { id: 'flt-to', type: 'date', value: filters.to });
  const text = h('input', { id: 'flt-text', type: 'search', value: filters.text, placeholder: 'contains…' });
  const superseded = h('input', { id: 'flt-superseded', type: 'checkbox', checked: filters.includeSuperseded });
  const sort = h('select', { id: 'flt-sort' },
    [['created_desc', 'Newest first'], ['created_asc', 'Oldest first'], ['updated_desc', 'Recently changed'], ['text_asc', 'Text A–Z']]
      .map(([value, label]) => h('option', { value, selected: filters.sort === value }, label)));
  const pageSize = h('select', { id: 'flt-page-size' }, [10, 25, 50, 100].map((n) => h('option', { value: n, selected: filters.pageSize === n }, String(n))));
  const results = h('div', { id: 'memories-results', 'aria-live': 'polite' });

  const form = h('form', { class: 'card filters', role: 'search', 'aria-label': 'Filter memories' },
    field('Scope kind', kindSelect), field('Scope id', idInput), field('Category', category),
    field('Created from', from), field('Created to', to), field('Text', text),
    h('div', { class: 'field check' }, superseded, h('label', { for: 'flt-superseded' }, 'Include superseded')),
    field('Sort', sort), field('Page size', pageSize),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply'), h('button', { type: 'reset', class: 'secondary' }, 'Clear')));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    Object.assign(filters, {
      kind: kindSelect.value, id: idInput.value.trim(), category: category.value.trim(), from: from.value, to: to.value,
      text: text.value.trim(), includeSuperseded: superseded.checked, sort: sort.value, pageSize: Number(pageSize.value), page: 1,
    });
    load(results);
  });
  form.addEventListener('reset', () => {
    Object.assign(filters, { id: '', category: '', from: '', to: '', text: '', includeSuperseded: false, page: 1 });
    setTimeout(() => load(results));
  });
  sort.addEventListener('change', () => { filters.sort = sort.value; load(results); });

  fill(main, h('h1', {}, 'Memories'), form, results);
  await load(results);
}

async function load(results) {
  fill(results, state.loading());
  const body = { page: filters.page, page_size: filters.pageSize };
  body.filters = scopeFilter(filters.kind, filters.id);
  if (filters.category) body.categories = [filters.category];
  if (filters.from) body.start_date = `${filters.from}T00:00:00Z`;
  if (filters.to) body.end_date = `${filters.to}T23:59:59Z`;
  if (filters.text) body.keywords = filters.text;
  if (filters.includeSuperseded) body.latest_only = false;
  let page;
  try {
    page = await api('POST', `/v3/memories/?page=${filters.page}&page_size=${filters.pageSize}`, body);
  } catch (error) {
    fill(results, state.error(error));
    return;
  }
  if (page.results.length === 0) {
    fill(results, state.empty(filters.page > 1 ? 'No more memories.' : 'No memories match these filters.'));
    return;
  }
  const rows = [...page.results].sort(sorters[filters.sort]);
  const pages = Math.max(1, Math.ceil(page.count / filters.pageSize));
  const go = (n) => { filters.page = n; load(results); };
  fill(results,
    h('p', { class: 'hint' }, `${page.count} memories · page ${filters.page} of ${pages}`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'memories' },
      h('caption', { class: 'visually-hidden' }, 'Memories'),
      h('thead', {}, h('tr', {}, ['Memory', 'Scope', 'Categories', 'State', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((m) => h('tr', {},
        h('td', { class: 'text' }, h('a', { href: `#/memory/${encodeURIComponent(m.id)}` }, m.memory)),
        h('td', {}, scopeText(m)),
        h('td', {}, (m.categories ?? []).join(', ') || '—'),
        h('td', {}, h('span', { class: `badge ${m.lifecycle_state}` }, m.lifecycle_state)),
        h('td', {}, when(m.created_at))))))),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('button', { type: 'button', class: 'secondary', disabled: filters.page <= 1, onclick: () => go(filters.page - 1) }, '← Previous'),
      h('span', {}, `Page ${filters.page} of ${pages}`),
      h('button', { type: 'button', class: 'secondary', disabled: !page.next, onclick: () => go(filters.page + 1) }, 'Next →')));
}

export function scopeText(m) {
  return [['user', m.user_id], ['agent', m.agent_id], ['app', m.app_id], ['run', m.session_id ?? m.run_id]]
    .filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join(' · ') || '—';
}
