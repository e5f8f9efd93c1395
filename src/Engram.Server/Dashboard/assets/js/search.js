// Search playground: POST /ui/api/search/ (the /v3/memories/search/ body) with explain, showing each hit's signal
// contributions as bars and the candidates that were excluded, with their reasons.
import { api, scopeFilter } from './api.js';
import { h, fill, field, state } from './dom.js';

const reasons = {
  below_threshold: 'score below the threshold',
  beyond_top_k: 'ranked beyond top_k',
  superseded: 'superseded by a newer memory',
  expired: 'expired',
};

export async function searchView(main) {
  const query = h('input', { id: 's-query', type: 'search', required: true, autocomplete: 'off' });
  const kind = h('select', { id: 's-kind' }, ['user', 'agent', 'app', 'run'].map((k) => h('option', { value: k }, k)));
  const id = h('input', { id: 's-id', type: 'text', placeholder: 'any', autocomplete: 'off' });
  const category = h('input', { id: 's-category', type: 'text', placeholder: 'any' });
  const topK = h('input', { id: 's-top-k', type: 'number', min: 1, max: 100, value: 10 });
  const latest = h('input', { id: 's-latest', type: 'checkbox', checked: true });
  const explain = h('input', { id: 's-explain', type: 'checkbox', checked: true });
  const output = h('div', { id: 'search-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'card filters', role: 'search', 'aria-label': 'Search memories' },
    field('Query', query), field('Scope kind', kind), field('Scope id', id), field('Category', category), field('top_k', topK),
    h('div', { class: 'field check' }, latest, h('label', { for: 's-latest' }, 'Latest only')),
    h('div', { class: 'field check' }, explain, h('label', { for: 's-explain' }, 'Explain')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      query: query.value, filters: scopeFilter(kind.value, id.value.trim()), top_k: Number(topK.value) || 10, latest_only: latest.checked, explain: explain.checked,
    };
    if (category.value.trim()) body.categories = [category.value.trim()];
    fill(output, state.loading('Searching…'));
    try {
      render(output, await api('POST', '/ui/api/search/', body));
    } catch (error) {
      fill(output, state.error(error));
    }
  });
  fill(main, h('h1', {}, 'Search playground'), form, output);
}

function render(output, data) {
  const hits = data.results.length === 0
    ? state.empty('No memory matched.')
    : h('ol', { class: 'hits' }, data.results.map((hit) => h('li', { class: 'card hit' },
      h('div', { class: 'hit-head' },
        h('a', { href: `#/memory/${encodeURIComponent(hit.id)}`, class: 'hit-text' }, hit.memory),
        h('span', { class: 'score' }, `score ${hit.score.toFixed(3)}`)),
      hit.score_details ? signals(hit.score_details) : null)));
  const excluded = data.excluded.length === 0
    ? state.empty('No candidate was excluded (or explain was off).')
    : h('div', { class: 'table-wrap' }, h('table', { class: 'excluded' },
      h('thead', {}, h('tr', {}, ['Memory', 'Reason', 'Score', 'Superseded by'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, data.excluded.map((x) => h('tr', {},
        h('td', {}, h('a', { href: `#/memory/${encodeURIComponent(x.memory_id)}` }, x.memory ?? x.memory_id)),
        h('td', {}, reasons[x.reason] ?? x.reason),
        h('td', { class: 'num' }, x.score === null ? '—' : x.score.toFixed(3)),
        h('td', {}, x.superseded_by ? h('a', { href: `#/memory/${encodeURIComponent(x.superseded_by)}` }, 'newer memory') : '—'))))));
  fill(output,
    h('h2', {}, `Results (${data.results.length})`), hits,
    h('h2', {}, `Excluded candidates (${data.excluded.length})`), excluded);
}

/** One bar per signal, its length the signal's share of the largest contribution of this hit. */
function signals(details) {
  const max = Math.max(...details.signals.map((s) => Math.abs(s.contribution)), 1e-9);
  return h('div', { class: 'signals' },
    h('p', { class: 'hint' }, `${details.fusion} fusion · raw ${details.raw_score.toFixed(4)} · threshold ${details.threshold}`),
    h('ul', { class: 'bars' }, details.signals.map((s) => {
      const bar = h('span', { class: 'bar-fill' });
      bar.style.width = `${Math.round((Math.abs(s.contribution) / max) * 100)}%`;
      return h('li', { class: 'signal', 'data-signal': s.name },
        h('span', { class: 'signal-name' }, s.name),
        h('span', { class: 'bar', role: 'img', 'aria-label': `${s.name} contributes ${s.contribution.toFixed(4)}` }, bar),
        h('span', { class: 'signal-value' }, `${s.contribution.toFixed(4)}${s.rank ? ` (rank ${s.rank})` : ''}`));
    })));
}
