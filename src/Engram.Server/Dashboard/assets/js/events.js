// Events: asynchronous adds with status, latency, attempts and error; failed ones can be retried (POST /v1/event/{id}/retry/).
import { api } from './api.js';
import { h, fill, state, when, toast } from './dom.js';

let page = 1;
const pageSize = 25;

export async function eventsView(main) {
  const results = h('div', { id: 'events-results', 'aria-live': 'polite' });
  const retryAll = h('button', { type: 'button', class: 'secondary', id: 'retry-all' }, 'Retry all failed');
  retryAll.addEventListener('click', async () => {
    try {
      const response = await api('POST', '/v1/events/retry/');
      toast(response.message);
      await load(results);
    } catch (error) {
      toast(`Error: ${error.message}`);
    }
  });
  fill(main, h('h1', {}, 'Events'), h('div', { class: 'actions' }, retryAll), results);
  await load(results);
}

async function load(results) {
  fill(results, state.loading());
  let data;
  try {
    data = await api('GET', `/v1/events/?page=${page}&page_size=${pageSize}`);
  } catch (error) {
    fill(results, state.error(error));
    return;
  }
  if (data.results.length === 0) {
    fill(results, state.empty('No events yet: asynchronous adds (infer on) appear here.'));
    return;
  }
  const pages = Math.max(1, Math.ceil(data.count / pageSize));
  fill(results,
    h('div', { class: 'table-wrap' }, h('table', { class: 'events' },
      h('thead', {}, h('tr', {}, ['Event', 'Status', 'Created', 'Latency', 'Attempts', 'Memories', 'Error', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, data.results.map((e) => h('tr', {},
        h('td', { class: 'mono' }, e.id),
        h('td', {}, h('span', { class: `badge ${String(e.status).toLowerCase()}` }, e.status)),
        h('td', {}, when(e.created_at)),
        h('td', { class: 'num' }, e.latency == null ? '—' : `${Math.round(e.latency)} ms`),
        h('td', { class: 'num' }, String(e.attempts ?? '—')),
        h('td', { class: 'num' }, String(e.results?.length ?? 0)),
        h('td', { class: 'error-text' }, e.error ?? '—'),
        h('td', {}, e.status === 'FAILED' ? retryButton(e, results) : null)))))),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('button', { type: 'button', class: 'secondary', disabled: page <= 1, onclick: () => { page -= 1; load(results); } }, '← Previous'),
      h('span', {}, `Page ${page} of ${pages}`),
      h('button', { type: 'button', class: 'secondary', disabled: !data.next, onclick: () => { page += 1; load(results); } }, 'Next →')));
}

function retryButton(event, results) {
  return h('button', {
    type: 'button',
    class: 'secondary',
    'aria-label': `Retry event ${event.id}`,
    onclick: async () => {
      try {
        await api('POST', `/v1/event/${encodeURIComponent(event.id)}/retry/`);
        toast('Event queued again.');
        await load(results);
      } catch (error) {
        toast(`Error: ${error.message}`);
      }
    },
  }, 'Retry');
}
