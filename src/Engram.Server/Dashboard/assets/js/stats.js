// Stats: counts, database size and ingest/search rates of the project (GET /ui/api/stats/).
import { api } from './api.js';
import { h, fill } from './dom.js';

function bytes(n) {
  if (n == null) return 'not a local file';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

const tile = (label, value, id) => h('div', { class: 'tile', id }, h('span', { class: 'tile-value' }, String(value)), h('span', { class: 'tile-label' }, label));

export async function statsView(main) {
  const s = await api('GET', '/ui/api/stats/');
  const statuses = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED'].map((k) => `${k.toLowerCase()} ${s.event_statuses[k] ?? 0}`).join(' · ');
  fill(main,
    h('h1', {}, 'Stats'),
    h('p', { class: 'hint' }, `Project ${s.project_id}. Rates are counted by this server process since it started.`),
    h('section', { class: 'card', 'aria-labelledby': 'st-counts' }, h('h2', { id: 'st-counts' }, 'Counts'),
      h('div', { class: 'tiles' },
        tile('active memories', s.active_memories, 'stat-active'), tile('stored memories (all states)', s.total_memories, 'stat-total'),
        tile('users', s.users), tile('agents', s.agents), tile('apps', s.apps), tile('runs', s.runs),
        tile('events', s.events, 'stat-events'), tile('database size', bytes(s.database_bytes), 'stat-db'))),
    h('p', { class: 'hint' }, `Latest ${s.events_sampled} events: ${statuses}`),
    h('section', { class: 'card', 'aria-labelledby': 'st-rates' }, h('h2', { id: 'st-rates' }, 'Rates'),
      h('div', { class: 'tiles' },
        tile('memories stored / min (last hour)', s.rates.ingest_per_minute, 'stat-ingest'),
        tile('searches / min (last 5 min)', s.rates.searches_per_minute, 'stat-search-rate'),
        tile('adds in the last hour', s.rates.adds_last_hour),
        tile('memories stored in the last hour', s.rates.memories_added_last_hour),
        tile('searches in the last hour', s.rates.searches_last_hour, 'stat-searches'))));
}
