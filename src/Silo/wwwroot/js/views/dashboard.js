// The first page after sign-in: how the system is doing, from GET /api/stats/*. Calls per hour and per day,
// channels in use against the licence, recordings with problems (search roles, each user's own calls), storage
// and replication: backlog and lag per node (operations roles). Each part loads on its own: one that fails says so and the others still show.
import { api } from '../api.js';
import { h, kv, badge } from '../dom.js';
import { fmtTime, fmtBytes, fmtSeconds, party } from '../format.js';
import { barChart } from '../charts.js';
import { can } from '../session.js';

const PROBLEM_LABELS = { gaps: 'Gaps in the audio', 'media-timeout': 'Media stopped (timeout)', 'no-media': 'No media on a leg' };
const PROBLEM_FLAGS = { 'media-timeout': 'media-timeout', 'no-media': 'no-audio' };

const hourTick = at => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const dayTick = at => new Date(at).toLocaleDateString([], { month: 'short', day: 'numeric', timeZone: 'UTC' });
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A card that fills itself when its data arrives, or shows why it could not. */
function panel(id, title, load) {
  const body = h('div', { class: 'panel-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const card = h('section', { class: 'card panel', id }, h('h2', {}, title), body);
  load().then(content => { body.replaceChildren(...[content].flat()); card.dataset.loaded = 'true'; })
    .catch(err => { body.replaceChildren(h('p', { class: 'error' }, err.message)); card.dataset.loaded = 'error'; });
  return card;
}

async function callsPerHour() {
  const s = await api('GET', '/stats/calls?bucket=hour');
  const total = s.points.reduce((n, p) => n + p.value, 0);
  return [h('p', { class: 'muted' }, `${plural(total, 'call')} in the last 24 hours`),
    barChart({ id: 'chart-calls-hour', title: 'Calls per hour, last 24 hours', points: s.points, tick: hourTick,
      describe: p => `${hourTick(p.at)}: ${plural(p.value, 'call')}` })];
}

async function callsPerDay() {
  const s = await api('GET', '/stats/calls?bucket=day');
  const total = s.points.reduce((n, p) => n + p.value, 0);
  return [h('p', { class: 'muted' }, `${plural(total, 'call')} in the last 30 days (days in UTC)`),
    barChart({ id: 'chart-calls-day', title: 'Calls per day, last 30 days', points: s.points, tick: dayTick,
      describe: p => `${dayTick(p.at)}: ${plural(p.value, 'call')}` })];
}

async function channels() {
  const c = await api('GET', '/stats/channels');
  const peak = Math.max(0, ...c.peakPerHour.map(p => p.value));
  return [h('p', { class: 'muted', id: 'channels-summary' }, `${c.inUseNow} in use now · peak ${peak} of ${c.licensedChannels} licensed in the last 24 hours`),
    barChart({ id: 'chart-channels', title: 'Most channels in use at once per hour, last 24 hours', points: c.peakPerHour, tick: hourTick,
      describe: p => `${hourTick(p.at)}: at most ${plural(p.value, 'channel')}`, limit: c.licensedChannels, limitLabel: `licence: ${c.licensedChannels}` })];
}

async function problems() {
  const p = await api('GET', '/stats/problems?limit=10');
  const counts = h('ul', { class: 'problem-counts' }, Object.entries(PROBLEM_LABELS).map(([k, label]) => h('li', { dataset: { kind: k, count: String(p.counts[k] || 0) } },
    PROBLEM_FLAGS[k] && p.counts[k] ? h('a', { href: '#/recordings?' + new URLSearchParams({ flag: PROBLEM_FLAGS[k], from: p.from }) }, label) : label,
    ': ', h('strong', {}, String(p.counts[k] || 0)))));
  const list = p.recordings.length
    ? h('ul', { class: 'problem-list', id: 'problem-recordings' }, p.recordings.map(r => h('li', { dataset: { id: r.id } },
      h('a', { href: '#/recording/' + encodeURIComponent(r.id) }, `${fmtTime(r.startedAt)} · ${party({ number: r.nearNumber })} ↔ ${party({ number: r.farNumber })}`),
      ' ', r.problems.map(k => badge(k)))))
    : h('p', { class: 'muted', id: 'no-problems' }, 'No recording with problems.');
  return [h('p', { class: 'muted' }, 'Last 7 days'), counts, list];
}

// Replication lag to a node or the shared store (GET /api/stats/storage, from the copies recorded as they landed):
// from a recording's end to its copy landing there over the last hour, and the oldest recording of the last 6 h
// not there yet (a link to it).
function lagCell(lag) {
  const took = lag.landings
    ? `median ${fmtSeconds(lag.medianSeconds)} · max ${fmtSeconds(lag.maxSeconds)} (${lag.landings} ${lag.landings === 1 ? 'copy' : 'copies'}, last hour)`
    : 'no copy landed in the last hour';
  return h('td', { class: 'lag', dataset: { landings: String(lag.landings), median: lag.medianSeconds ?? '', max: lag.maxSeconds ?? '' } }, took);
}

function missingCell(lag) {
  return lag.oldestMissingId
    ? h('td', { class: 'missing warn', dataset: { id: lag.oldestMissingId } },
      h('a', { href: '#/recording/' + encodeURIComponent(lag.oldestMissingId) }, `ended ${fmtSeconds(lag.oldestMissingSeconds)} ago`))
    : h('td', { class: 'missing', dataset: { id: '' } }, 'none');
}

async function storage() {
  const s = await api('GET', '/stats/storage');
  const days = d => d === null || d === undefined ? 'no recording rate yet' : d > 3650 ? 'more than 10 years' : `${d.toFixed(d < 10 ? 1 : 0)} days`;
  const rows = s.nodes.map(n => h('tr', { dataset: { node: n.name } }, h('td', {}, n.name), h('td', {}, badge(n.status)),
    h('td', {}, n.freeBytes === null ? '—' : fmtBytes(n.freeBytes)), h('td', { class: n.daysLeft !== null && n.daysLeft < 30 ? 'warn' : null }, days(n.daysLeft)),
    h('td', { class: n.replicationBacklog > 0 ? 'warn' : null }, n.replicationBacklog ? `${n.replicationBacklog} waiting` : 'none'),
    lagCell(n.replicationLag), missingCell(n.replicationLag)));
  if (s.sharedStore.enabled) {
    rows.push(h('tr', { dataset: { node: 'shared' } }, h('td', {}, 'Shared store'), h('td', {}, '—'), h('td', {}, 'no limit'), h('td', {}, '—'), h('td', {}, '—'),
      lagCell(s.sharedStore.replicationLag), missingCell(s.sharedStore.replicationLag)));
  }
  return [
    h('dl', { class: 'kv' }, kv('Recordings', String(s.recordings)), kv('Their size', fmtBytes(s.totalBytes)), kv('Recorded per day', fmtBytes(s.bytesPerDay) + ' (mean of the last 7 days)'),
      kv('Shared store', s.sharedStore.enabled ? `${fmtBytes(s.sharedStore.usedBytes)} used · no capacity limit` : 'not configured')),
    h('div', { class: 'table-wrap' }, h('table', { id: 'storage-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Node'), h('th', {}, 'State'), h('th', {}, 'Free disk'), h('th', {}, 'Days left'), h('th', {}, 'Replication backlog'),
        h('th', {}, 'Replication lag'), h('th', {}, 'Oldest not there yet (6 h)'))),
      h('tbody', {}, rows))),
  ];
}

export async function dashboardView() {
  const recordings = can('admin', 'supervisor', 'user');
  return h('div', { id: 'dashboard' }, h('h1', {}, 'Dashboard'),
    h('div', { class: 'dashboard-grid' },
      recordings ? panel('panel-calls-hour', 'Calls per hour', callsPerHour) : null,
      recordings ? panel('panel-calls-day', 'Calls per day', callsPerDay) : null,
      recordings ? panel('panel-channels', 'Channels in use', channels) : null,
      recordings ? panel('panel-problems', 'Recordings with problems', problems) : null,
      can('admin', 'auditor') ? panel('panel-storage', 'Storage and replication', storage) : null));
}
