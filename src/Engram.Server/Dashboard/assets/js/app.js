// The dashboard shell: sign-in, navigation and hash routing (#/memories, #/memory/<id>, …). No data ever goes in the URL
// except memory and event ids; the API key stays in sessionStorage.
import { api, auth } from './api.js';
import { h, fill, field, state } from './dom.js';
import { scopesView } from './scopes.js';
import { memoriesView } from './memories.js';
import { memoryView } from './memory.js';
import { searchView } from './search.js';
import { eventsView } from './events.js';
import { statsView } from './stats.js';

const routes = {
  scopes: scopesView,
  memories: memoriesView,
  memory: memoryView,
  search: searchView,
  events: eventsView,
  stats: statsView,
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');

function signInView() {
  nav.hidden = true;
  signOut.hidden = true;
  const key = h('input', { type: 'password', id: 'api-key', name: 'api-key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const message = h('p', { class: 'state', role: 'status' });
  const form = h('form', { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('p', {}, 'Enter an Engram API key (the one printed by engram serve or created with engram keys). It is kept in this tab only.'),
    field('API key', key),
    h('button', { type: 'submit' }, 'Sign in'),
    message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(message, 'Checking the key…');
    try {
      await api('GET', '/v1/ping/', undefined, key.value.trim());
      auth.set(key.value.trim());
      if (!location.hash || location.hash === '#/sign-in') location.hash = '#/memories';
      else route(event);
    } catch (error) {
      message.className = 'state error';
      message.setAttribute('role', 'alert');
      fill(message, error.status === 401 ? 'That API key was not accepted.' : `Error: ${error.message}`);
    }
  });
  fill(main, form);
  key.focus();
}

async function route(event) {
  if (!auth.get()) {
    signInView();
    return;
  }
  nav.hidden = false;
  signOut.hidden = false;
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const view = routes[name] ?? (location.hash = '#/memories', null);
  if (!view) return;
  for (const link of nav.querySelectorAll('a')) {
    const current = link.getAttribute('href') === `#/${name}` || (name === 'memory' && link.getAttribute('href') === '#/memories');
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  fill(main, state.loading());
  try {
    await view(main, rest.map(decodeURIComponent));
  } catch (error) {
    if (error.status === 401) {
      auth.clear();
      signInView();
      return;
    }
    fill(main, state.error(error));
  }
  // After navigating inside the app, move focus to the new view's heading (screen readers announce it); on a fresh
  // load, leave focus at the top so that Tab reaches the skip link first.
  const heading = main.querySelector('h1');
  if (heading && event) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
}

signOut.addEventListener('click', () => {
  auth.clear();
  location.hash = '#/sign-in';
  signInView();
});
window.addEventListener('hashchange', route);
route();
