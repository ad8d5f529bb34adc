// Calls being recorded on every node (GET /calls/active asks each node), refreshed every second while the view is
// shown: duration, state and per-leg packet figures move without a reload; the controls reach the recording node.
import { api } from '../api.js';
import { h, badge, toast } from '../dom.js';
import { fmtTime, fmtDuration, fmtPercent, party } from '../format.js';

const REFRESH_MS = 1000;

const legFigures = l => l
  ? `${l.packetsReceived} pkts, ${l.packetsLost} lost (${fmtPercent(l.packetsLost, l.packetsReceived + l.packetsLost)})${l.held ? ', held' : ''}`
  : '—';

function callRow(c) {
  const control = action => h('button', { dataset: { action, id: c.recordingId }, onclick: async ev => {
    ev.target.disabled = true;
    try { await api('POST', `/calls/${encodeURIComponent(c.recordingId)}/${action}`); toast(`Call ${action}d`); } catch (err) { toast(err.message, true); }
  } }, action === 'pause' ? 'Pause' : action === 'resume' ? 'Resume' : 'Stop');
  return h('tr', { dataset: { id: c.recordingId, state: c.state, node: c.node } }, h('td', {}, fmtTime(c.startedAt)), h('td', { class: 'duration' }, fmtDuration(c.durationSeconds)),
    h('td', {}, party(c.nearEnd)), h('td', {}, party(c.farEnd)), h('td', { class: 'hide-narrow' }, c.refci || ''), h('td', { class: 'node' }, c.node),
    h('td', {}, badge(c.state)),
    h('td', { class: 'hide-narrow packets near' }, legFigures(c.nearEndLeg)), h('td', { class: 'hide-narrow packets far' }, legFigures(c.farEndLeg)),
    h('td', {}, control(c.state === 'paused' ? 'resume' : 'pause'), ' ', control('stop')));
}

export async function callsView() {
  const tbody = h('tbody', {});
  const status = h('p', { class: 'muted', id: 'calls-updated', dataset: { refreshes: '0' } });
  let refreshes = 0;
  const fill = calls => {
    tbody.replaceChildren(...(calls.length ? calls.map(callRow)
      : [h('tr', {}, h('td', { colspan: 10, class: 'muted', id: 'no-calls' }, 'No call is being recorded.'))]));
    status.dataset.refreshes = String(++refreshes);
    status.textContent = `${calls.length} call${calls.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}`;
  };
  fill(await api('GET', '/calls/active'));
  const tick = async () => {
    if (!tbody.isConnected) return; // the view was left: stop polling
    try { fill(await api('GET', '/calls/active')); } catch { status.textContent = 'Not updated: the node did not answer; trying again.'; }
    setTimeout(tick, REFRESH_MS);
  };
  setTimeout(tick, REFRESH_MS);
  return h('div', {}, h('h1', {}, 'Active calls'), status, h('div', { class: 'card table-wrap' }, h('table', { id: 'calls-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Started'), h('th', {}, 'Duration'), h('th', {}, 'Near end'), h('th', {}, 'Far end'), h('th', { class: 'hide-narrow' }, 'Refci'),
      h('th', {}, 'Node'), h('th', {}, 'State'), h('th', { class: 'hide-narrow' }, 'Near-end packets'), h('th', { class: 'hide-narrow' }, 'Far-end packets'), h('th', {}, 'Recording'))),
    tbody)));
}
