// OrleansRecorder web page: ES modules, no build step, reads only /api/*. This module signs in and routes; each
// view is its own module under js/views/, with shared helpers in js/ (dom, api, format, router, session, charts).
import { api, unauthorized } from './js/api.js';
import { $, h, visible } from './js/dom.js';
import { current, render } from './js/router.js';
import { session } from './js/session.js';
import { dashboardView } from './js/views/dashboard.js';
import { recordingsView } from './js/views/recordings.js';
import { recordingView } from './js/views/recording.js';
import { callsView } from './js/views/calls.js';
import { clusterView } from './js/views/cluster.js';
import { maintenanceView } from './js/views/maintenance.js';
import { usersView } from './js/views/users.js';
import { auditView } from './js/views/audit.js';
import { webhooksView } from './js/views/webhooks.js';

const VIEWS = {
  dashboard: dashboardView, recordings: recordingsView, recording: recordingView, calls: callsView, cluster: clusterView,
  maintenance: maintenanceView, users: usersView, audit: auditView, webhooks: webhooksView,
};

// ---------- sign-in ----------
function showLogin() {
  session.me = null;
  $('#nav').hidden = true; $('#whoami').hidden = true; $('#menu-toggle').hidden = true;
  $('#view').hidden = true; $('#login-view').hidden = false;
  $('#login-user').focus();
}
unauthorized.handler = showLogin;

$('#login-form').addEventListener('submit', async e => {
  e.preventDefault();
  $('#login-error').textContent = '';
  try {
    session.me = await api('POST', '/auth/login', { username: $('#login-user').value, password: $('#login-password').value });
    $('#login-password').value = '';
    signedIn();
  } catch (err) { $('#login-error').textContent = err.message; }
});

$('#logout').addEventListener('click', async () => { await api('POST', '/auth/logout').catch(() => {}); showLogin(); });
$('#menu-toggle').addEventListener('click', () => $('#nav').classList.toggle('open'));

function signedIn() {
  $('#login-view').hidden = true; $('#view').hidden = false;
  $('#nav').hidden = false; $('#whoami').hidden = false; $('#menu-toggle').hidden = false;
  $('#whoami-name').textContent = visible(`${session.me.displayName || session.me.name} (${session.me.role})`);
  for (const a of document.querySelectorAll('#nav a')) a.hidden = !a.dataset.roles.split(' ').includes(session.me.role);
  // The dashboard first; a link to a view (a shared search) opens that view instead.
  const first = document.querySelector('#nav a:not([hidden])');
  if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = first ? first.getAttribute('href') : '#/';
  else route();
}

// ---------- routing ----------
async function route() {
  if (!session.me) return;
  $('#nav').classList.remove('open');
  const { name, arg, params } = current();
  const shown = VIEWS[name] ? name : 'dashboard';
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.getAttribute('href') === `#/${shown}` || (shown === 'recording' && a.getAttribute('href') === '#/recordings'));
  }
  const view = $('#view');
  view.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    view.replaceChildren(await VIEWS[shown](arg, params));
  } catch (err) {
    if (err.status !== 401) view.replaceChildren(h('div', { class: 'card' }, h('h1', {}, err.status === 404 ? 'Not found' : 'Error'), h('p', { class: 'error', id: 'view-error' }, err.message)));
  }
}
render.now = route;
window.addEventListener('hashchange', route);

// ---------- start ----------
try { session.me = await api('GET', '/auth/me'); signedIn(); } catch { showLogin(); }
