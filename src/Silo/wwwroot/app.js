// OrleansRecorder web page: vanilla JS, reads only /api/*. Views are hash routes (#/recordings, #/recording/{id}, ...).
'use strict';

// groupBy 'call': one row per CUCM call (its recordings across holds and transfers are one group, listed in the row).
const state = { me: null, list: { page: 1, pageSize: 25, sort: 'startedAt', order: 'desc', groupBy: 'call', filters: {} }, autoplay: false };
const $ = (sel, root = document) => root.querySelector(sel);

// Bidirectional overrides, isolates and marks reorder how text reads ("1002" shown as "2001"): names and numbers come
// from the network, so each is shown as its visible code instead (BidiText.cs does the same for CSV).
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const visible = text => String(text).replace(BIDI, c => '<U+' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') + '>');

/** Builds an element: h('td', { class: 'x', onclick: f }, 'text', child, ...). Text is never parsed as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : k === 'title' ? visible(v) : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(visible(c)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, problem) {
    const errors = problem && problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
    super((problem && (problem.detail || errors || problem.title)) || `HTTP ${status}`);
    this.status = status;
  }
}

async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const response = await fetch('/api' + path, init);
  if (response.status === 401 && path !== '/auth/login') { showLogin(); throw new ApiError(401, { detail: 'Please sign in.' }); }
  const text = await response.text();
  const data = text && (response.headers.get('content-type') || '').includes('json') ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, typeof data === 'object' ? data : null);
  return data;
}

function toast(message, bad) {
  const t = $('#toast');
  t.textContent = visible(message); t.className = 'toast' + (bad ? ' bad' : ''); t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

const fmtTime = iso => iso ? new Date(iso).toLocaleString() : '';
const fmtDuration = s => { s = Math.round(s || 0); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`; };
const fmtBytes = n => n >= 1e9 ? (n / 1e9).toFixed(1) + ' GB' : n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB' : n >= 1e3 ? (n / 1e3).toFixed(0) + ' kB' : (n || 0) + ' B';
const party = p => [p && p.number, p && p.device].filter(Boolean).join(' · ');
const badge = s => h('span', { class: 'badge ' + String(s || '').toLowerCase() }, s || '—');
const can = (...roles) => state.me && roles.includes(state.me.role);

// ---------- sign-in ----------
function showLogin() {
  state.me = null;
  $('#nav').hidden = true; $('#whoami').hidden = true; $('#menu-toggle').hidden = true;
  $('#view').hidden = true; $('#login-view').hidden = false;
  $('#login-user').focus();
}

$('#login-form').addEventListener('submit', async e => {
  e.preventDefault();
  $('#login-error').textContent = '';
  try {
    state.me = await api('POST', '/auth/login', { username: $('#login-user').value, password: $('#login-password').value });
    $('#login-password').value = '';
    signedIn();
  } catch (err) { $('#login-error').textContent = err.message; }
});

$('#logout').addEventListener('click', async () => { await api('POST', '/auth/logout').catch(() => {}); showLogin(); });
$('#menu-toggle').addEventListener('click', () => $('#nav').classList.toggle('open'));

function signedIn() {
  $('#login-view').hidden = true; $('#view').hidden = false;
  $('#nav').hidden = false; $('#whoami').hidden = false; $('#menu-toggle').hidden = false;
  $('#whoami-name').textContent = visible(`${state.me.displayName || state.me.name} (${state.me.role})`);
  for (const a of document.querySelectorAll('#nav a')) a.hidden = !a.dataset.roles.split(' ').includes(state.me.role);
  const first = document.querySelector('#nav a:not([hidden])');
  if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = first ? first.getAttribute('href') : '#/';
  else route();
}

// ---------- routing ----------
window.addEventListener('hashchange', route);
async function route() {
  if (!state.me) return;
  $('#nav').classList.remove('open');
  const [, name, arg] = location.hash.split('/');
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.getAttribute('href') === `#/${name}` || (name === 'recording' && a.getAttribute('href') === '#/recordings'));
  const view = $('#view');
  view.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  const views = { recordings: recordingsView, recording: recordingView, calls: callsView, cluster: clusterView, maintenance: maintenanceView, users: usersView, audit: auditView, webhooks: webhooksView };
  try {
    view.replaceChildren(await (views[name] || recordingsView)(decodeURIComponent(arg || '')));
  } catch (err) {
    if (err.status !== 401) view.replaceChildren(h('div', { class: 'card' }, h('h1', {}, err.status === 404 ? 'Not found' : 'Error'), h('p', { class: 'error', id: 'view-error' }, err.message)));
  }
}

// ---------- recordings ----------
async function recordingsView() {
  const l = state.list;
  const f = l.filters;
  const input = (name, label, type = 'text') => h('label', {}, label, h('input', { name, type, value: f[name] || '' }));
  const form = h('form', { class: 'filters card', id: 'filters' },
    input('from', 'From', 'datetime-local'), input('to', 'To', 'datetime-local'),
    input('number', 'Number'), input('device', 'Device'),
    h('label', {}, 'Status', h('select', { name: 'status' }, ['', 'complete', 'partial', 'interrupted'].map(s => h('option', { value: s, selected: f.status === s }, s || 'any')))),
    // Why a leg recorded nothing (RecordingCoordinator.NoAudioReason), or any other flag the manifest carries.
    h('label', {}, 'Flag', h('select', { name: 'flag' }, ['', 'no-audio', 'no-ack', 'no-media', 'wrong-source', 'unusable-media', 'media-timeout', 'missing']
      .map(s => h('option', { value: s, selected: f.flag === s }, s || 'any')))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'group-by-call', checked: l.groupBy === 'call',
      onchange: e => { l.groupBy = e.target.checked ? 'call' : 'recording'; l.page = 1; route(); } }), 'One row per call'),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Search'), h('button', { type: 'reset' }, 'Clear')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    l.filters = Object.fromEntries([...new FormData(form)].filter(([, v]) => v));
    l.page = 1; route();
  });
  form.addEventListener('reset', () => { l.filters = {}; l.page = 1; setTimeout(route); });

  const q = new URLSearchParams({ page: l.page, pageSize: l.pageSize, sort: l.sort, order: l.order, groupBy: l.groupBy });
  for (const [k, v] of Object.entries(f)) q.set(k, (k === 'from' || k === 'to') ? new Date(v).toISOString() : v);
  const data = await api('GET', '/recordings?' + q);

  const th = (label, sort, cls) => h('th', {
    'data-sort': sort || null, class: [cls, sort && l.sort === sort ? 'sorted-' + l.order : ''].filter(Boolean).join(' ') || null,
    onclick: sort ? () => { l.order = l.sort === sort && l.order === 'desc' ? 'asc' : 'desc'; l.sort = sort; route(); } : null,
  }, label);
  const grouped = l.groupBy === 'call';
  const rows = data.items.map(r => {
    const parts = r.groupParts || [];
    const length = parts.length > 1 ? parts.reduce((sum, p) => sum + p.durationSeconds, 0) : r.durationSeconds;
    return h('tr', { dataset: { id: r.id, group: r.groupId, parts: parts.length || r.parts }, onclick: () => { location.hash = '#/recording/' + encodeURIComponent(r.id); } },
    h('td', {}, fmtTime(r.startedAt)),
    h('td', {}, fmtDuration(length), parts.length > 1 ? h('span', { class: 'parts muted' }, ` · ${parts.length} parts`) : null,
      (r.pauses || []).length || parts.some(p => p.pauses.length) ? h('span', { class: 'held muted', title: 'put on hold during the call' }, ' · held') : null),
    h('td', {}, party(r.nearEnd)),
    h('td', { class: 'hide-narrow' }, party(r.farEnd)),
    h('td', { class: 'hide-narrow' }, r.codec || ''),
    h('td', { class: 'hide-narrow' }, fmtBytes(r.sizeBytes)),
    h('td', {}, badge(r.status)));
  });
  const pages = Math.max(1, Math.ceil(data.total / l.pageSize));
  return h('div', {},
    h('h1', {}, 'Recordings'), form,
    h('div', { class: 'card' },
      h('div', { class: 'table-wrap' }, h('table', { id: 'recordings-table' },
        h('thead', {}, h('tr', {}, th('Started', 'startedAt'), th('Length', 'duration'), th('Near end', 'nearNumber'), th('Far end', 'farNumber', 'hide-narrow'), th('Codec', null, 'hide-narrow'), th('Size', 'size', 'hide-narrow'), th('Status'))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7, class: 'muted', id: 'no-recordings' }, 'No recordings match.'))))),
      h('div', { class: 'pager' },
        h('span', { id: 'page-info', class: 'muted' }, `${data.total} ${grouped ? 'call' : 'recording'}${data.total === 1 ? '' : 's'} · page ${l.page} of ${pages}`),
        h('button', { id: 'prev', disabled: l.page <= 1, onclick: () => { l.page--; route(); } }, '‹ Prev'),
        h('button', { id: 'next', disabled: l.page >= pages, onclick: () => { l.page++; route(); } }, 'Next ›'))));
}

async function recordingView(id) {
  const r = await api('GET', '/recordings/' + encodeURIComponent(id));
  const ann = await api('GET', `/recordings/${encodeURIComponent(id)}/annotations`);
  const audioUrl = `/api/recordings/${encodeURIComponent(id)}/audio`;
  const audio = h('audio', { id: 'player', controls: true, preload: 'metadata', src: audioUrl });
  // A call of several recordings (agent hold, transfer): its parts in order; the player goes on with the next part.
  const group = r.parts > 1 ? await api('GET', `/recordings/groups/${encodeURIComponent(r.groupId)}`).catch(() => null) : null;
  const next = group ? group.parts.find(p => p.part === r.part + 1) : null;
  if (next) audio.addEventListener('ended', () => { state.autoplay = true; location.hash = '#/recording/' + encodeURIComponent(next.id); });
  if (state.autoplay) { state.autoplay = false; audio.autoplay = true; }
  const canvas = h('canvas', { id: 'waveform', width: 1200, height: 160 });
  const speed = h('select', { id: 'speed', onchange: () => { audio.playbackRate = Number(speed.value); } },
    [0.5, 0.75, 1, 1.25, 1.5, 2].map(s => h('option', { value: s, selected: s === 1 }, s + '×')));
  const player = h('div', { class: 'card player' },
    h('h2', {}, 'Playback'),
    canvas,
    h('div', { class: 'legend' }, h('span', { class: 'near' }, 'near end (left)'), h('span', { class: 'far' }, 'far end (right)'),
      (r.pauses || []).length ? h('span', { class: 'hold' }, 'on hold') : null),
    group ? callParts(group, r) : null,
    audio,
    h('div', { class: 'player-controls' },
      h('label', {}, 'Speed', speed),
      h('button', { onclick: () => { audio.currentTime = Math.max(0, audio.currentTime - 5); } }, '−5 s'),
      h('button', { onclick: () => { audio.currentTime = audio.currentTime + 5; } }, '+5 s'),
      h('a', { id: 'download', href: audioUrl + '?download=true', download: `${r.id}.${r.format === 'opus' ? 'opus' : 'wav'}` }, 'Download')));
  drawWaveform(canvas, audio, id, r.pauses || []);

  const m = r.manifest || {};
  const legs = ['nearEnd', 'farEnd'].map(k => {
    const leg = m[k] || {};
    const stats = leg.stats || {};
    // Where the leg's RTP came from: the source it latched, or the source it refused (a leg flagged wrong-source).
    const wrongSource = (r.flags || []).includes((k === 'nearEnd' ? 'near-end' : 'far-end') + '-wrong-source');
    const source = [
      stats.latchedSource ? kv('Media source', `latched ${stats.latchedSource}` + (stats.declaredSource ? ` (SDP: ${stats.declaredSource})` : '')) : null,
      stats.refusedSource ? kv('Refused source', h('span', { class: wrongSource ? 'error refused-source' : 'refused-source' },
        `${wrongSource ? 'wrong-source: all ' : ''}${stats.packetsWrongSource} packet(s) from ${stats.refusedSource}` + (stats.declaredSource ? ` (SDP: ${stats.declaredSource})` : ''))) : null];
    return h('div', {}, h('h2', {}, k === 'nearEnd' ? 'Near end (left)' : 'Far end (right)'),
      h('dl', { class: 'kv' }, source, kv('Number', leg.number), kv('Device', leg.device), kv('Codec', leg.codec), kv('First packet', fmtTime(leg.firstPacketAt)),
        kv('Leading silence', leg.leadingSilenceSamples ? (leg.leadingSilenceSamples / 8000).toFixed(2) + ' s' : '0 s'),
        Object.entries(stats).map(([sk, sv]) => kv(sk, typeof sv === 'object' ? JSON.stringify(sv) : sv))));
  });

  const tagsInput = h('input', { id: 'tags-input', value: ann.tags.join(', '), placeholder: 'tag1, tag2' });
  const noteInput = h('textarea', { id: 'note-input', rows: 2, placeholder: 'Add a note' });
  const readOnly = !can('admin', 'supervisor', 'user');
  const controls = h('div', { class: 'card' },
    h('h2', {}, 'Legal hold, tags and notes'),
    h('p', {}, 'Legal hold: ', h('strong', { id: 'preserved' }, ann.preserved ? 'on (kept by the purge)' : 'off'), ' ',
      can('admin', 'supervisor') ? h('button', { id: 'preserve', onclick: async () => {
        try { await api('PUT', `/recordings/${encodeURIComponent(id)}/preserve`, { preserved: !ann.preserved }); route(); } catch (err) { toast(err.message, true); }
      } }, ann.preserved ? 'Lift hold' : 'Preserve') : null),
    h('div', { class: 'row' }, h('label', { class: 'grow' }, 'Tags', tagsInput),
      h('button', { disabled: readOnly, onclick: async () => {
        try { await api('PUT', `/recordings/${encodeURIComponent(id)}/tags`, { tags: tagsInput.value.split(',').map(t => t.trim()).filter(Boolean) }); toast('Tags saved'); } catch (err) { toast(err.message, true); }
      } }, 'Save tags')),
    h('h2', {}, 'Notes'),
    h('ul', { class: 'notes', id: 'notes' }, ann.notes.map(n => h('li', {}, h('div', { class: 'muted' }, `${n.user} · ${fmtTime(n.at)}`), n.text))),
    h('div', { class: 'row' }, h('label', { class: 'grow' }, 'Note', noteInput),
      h('button', { disabled: readOnly, onclick: async () => {
        try { await api('POST', `/recordings/${encodeURIComponent(id)}/notes`, { text: noteInput.value }); route(); } catch (err) { toast(err.message, true); }
      } }, 'Add note')),
    can('admin') ? h('p', {}, h('button', { class: 'danger', id: 'delete', onclick: async () => {
      if (!confirm('Delete this recording from this node and the catalog?')) return;
      try { await api('DELETE', '/recordings/' + encodeURIComponent(id)); toast('Deleted'); location.hash = '#/recordings'; } catch (err) { toast(err.message, true); }
    } }, 'Delete recording')) : null);

  return h('div', {},
    h('p', {}, h('a', { href: '#/recordings' }, '‹ Recordings')),
    h('h1', { id: 'recording-title' }, `${party(r.nearEnd)} ↔ ${party(r.farEnd)}`),
    h('div', { class: 'grid2' },
      h('div', {}, player, controls),
      h('div', {},
        h('div', { class: 'card', id: 'details' }, h('h2', {}, 'Details'),
          h('dl', { class: 'kv' }, kv('Id', r.id), kv('Started', fmtTime(r.startedAt)), kv('Ended', fmtTime(r.endedAt)), kv('Length', fmtDuration(r.durationSeconds)),
            kv('Status', badge(r.status)), kv('Flags', r.flags.length ? r.flags.join(', ') : 'none'), kv('Refci', r.refci), kv('Profile', r.profile),
            kv('Codec', r.codec), kv('Format', r.format), kv('Sample rate', r.sampleRate ? `${r.sampleRate / 1000} kHz` : null), kv('Size', fmtBytes(r.sizeBytes)), kv('SHA-256', r.sha256), kv('Recorded by', r.recordedBy),
            kv('Replicas', r.replicas.join(', ')))),
        h('div', { class: 'card' }, legs),
        (r.pauses || []).length ? h('div', { class: 'card', id: 'pauses' }, h('h2', {}, 'Holds'),
          h('ul', {}, r.pauses.map(p => h('li', { dataset: { leg: p.leg } },
            `${p.leg === 'nearEnd' ? 'Near end' : 'Far end'} ${p.reason === 'operator' ? `recording paused by ${p.by}` : `on ${p.reason}`} at ${fmtDuration(p.offsetSeconds)} for ${(p.durationSeconds || 0).toFixed(1)} s`)))) : null,
        (r.dtmf || []).length ? h('div', { class: 'card', id: 'dtmf' }, h('h2', {}, 'Keys pressed (DTMF)'),
          h('ul', {}, r.dtmf.map(d => h('li', { dataset: { leg: d.leg, masked: String(!!d.masked) } },
            `${d.leg === 'nearEnd' ? 'Near end' : 'Far end'} pressed ${d.masked ? 'a key (masked)' : d.digit} at ${fmtDuration(d.offsetSeconds)} for ${d.durationMilliseconds} ms`)))) : null,
        m.siprec ? siprecCard(m.siprec, r.participants) : null)));
}

/** A SIPREC session's participants and which channel carries whose voice (the server's display, RecordingDto.participants). */
function siprecCard(s, participants) {
  return h('div', { class: 'card', id: 'participants' }, h('h2', {}, 'Participants (SIPREC)'),
    h('p', { class: 'muted' }, `Streams mapped by ${s.streamMapping}` + (s.metadataProblem ? ` (metadata ${s.metadataProblem})` : '')),
    h('ul', {}, (participants || []).map(p => h('li', { dataset: { channel: p.channel ?? '' } },
      p.display + (p.joinedAt ? ` · joined ${fmtTime(p.joinedAt)}` : '') + (p.leftAt ? ` · left ${fmtTime(p.leftAt)}` : '')))));
}

/** The parts of a call in order, with the gaps between them (the call was off the recorder: agent hold, transfer). */
function callParts(group, current) {
  const items = [];
  for (const p of group.parts) {
    if (p.gapBeforeSeconds !== null && p.gapBeforeSeconds !== undefined) {
      items.push(h('li', { class: 'gap muted' }, `gap of ${fmtDuration(p.gapBeforeSeconds)} (not recorded: hold or transfer)`));
    }
    const label = `Part ${p.part}: ${fmtTime(p.startedAt)} · ${fmtDuration(p.durationSeconds)}` + (p.pauses.length ? ` · ${p.pauses.length} hold${p.pauses.length === 1 ? '' : 's'}` : '');
    items.push(h('li', { dataset: { id: p.id }, class: p.id === current.id ? 'current' : null },
      p.id === current.id ? h('strong', {}, label) : h('a', { href: '#/recording/' + encodeURIComponent(p.id) }, label)));
  }
  return h('div', { id: 'call-parts' }, h('h2', {}, `This call: part ${current.part} of ${current.parts}`), h('ol', { class: 'parts' }, items));
}

function kv(key, value) { return [h('dt', {}, key), h('dd', {}, value === null || value === undefined || value === '' ? '—' : value)]; }

/** The stereo waveform from the server's peaks: near end above the axis line, far end below; click to seek. */
async function drawWaveform(canvas, audio, id, pauses) {
  let peaks;
  try { peaks = await api('GET', `/recordings/${encodeURIComponent(id)}/peaks?buckets=800`); } catch { return; }
  const ctx = canvas.getContext('2d');
  const paint = () => {
    const w = canvas.width, hgt = canvas.height, lane = hgt / Math.max(1, peaks.channels.length);
    ctx.fillStyle = '#0f1720'; ctx.fillRect(0, 0, w, hgt);
    ctx.strokeStyle = '#2a3644'; ctx.beginPath(); ctx.moveTo(0, lane); ctx.lineTo(w, lane); ctx.stroke();
    peaks.channels.forEach((ch, c) => {
      const mid = lane * c + lane / 2, scale = lane / 2 / 32768;
      ctx.fillStyle = c === 0 ? '#1f6feb' : '#d9480f';
      for (let i = 0; i < peaks.buckets; i++) {
        const x = i * w / peaks.buckets, bw = Math.max(1, w / peaks.buckets);
        const top = mid - ch.max[i] * scale, bottom = mid - ch.min[i] * scale;
        ctx.fillRect(x, top, bw, Math.max(1, bottom - top));
      }
    });
    const duration = audio.duration || peaks.durationSeconds;
    // Holds: the held leg's lane shaded (near end: top, far end: bottom).
    if (duration > 0) {
      for (const p of pauses) {
        // An operator's pause (PCI DSS) red, a hold amber.
        ctx.fillStyle = p.reason === 'operator' ? 'rgba(230, 60, 60, 0.35)' : 'rgba(255, 200, 0, 0.25)';
        const x0 = (p.offsetSeconds || 0) / duration * w, x1 = Math.min(w, ((p.offsetSeconds || 0) + (p.durationSeconds || 0)) / duration * w);
        ctx.fillRect(x0, p.leg === 'nearEnd' ? 0 : lane, Math.max(2, x1 - x0), lane);
      }
    }
    if (duration > 0) {
      const x = audio.currentTime / duration * w;
      ctx.fillStyle = '#fff'; ctx.fillRect(x, 0, 2, hgt);
    }
  };
  paint();
  audio.addEventListener('timeupdate', paint);
  audio.addEventListener('seeked', paint);
  canvas.addEventListener('click', e => {
    const rect = canvas.getBoundingClientRect();
    const duration = audio.duration || peaks.durationSeconds;
    audio.currentTime = (e.clientX - rect.left) / rect.width * duration;
    paint();
  });
}

// ---------- active calls, cluster ----------
// Every node's calls (GET /calls/active asks each node), refreshed every 2 s while the view is shown.
const legFigures = l => l ? `${l.packetsReceived} pkts, ${l.packetsLost} lost${l.held ? ', held' : ''}` : '—';

function callRow(c) {
  const control = action => h('button', { dataset: { action, id: c.recordingId }, onclick: async ev => {
    ev.target.disabled = true;
    try { await api('POST', `/calls/${encodeURIComponent(c.recordingId)}/${action}`); toast(`Call ${action}d`); } catch (err) { toast(err.message, true); }
  } }, action === 'pause' ? 'Pause' : action === 'resume' ? 'Resume' : 'Stop');
  return h('tr', { dataset: { id: c.recordingId, state: c.state } }, h('td', {}, fmtTime(c.startedAt)), h('td', { class: 'duration' }, fmtDuration(c.durationSeconds)),
    h('td', {}, party(c.nearEnd)), h('td', {}, party(c.farEnd)), h('td', { class: 'hide-narrow' }, c.refci || ''), h('td', {}, c.node),
    h('td', {}, badge(c.state)), h('td', { class: 'hide-narrow packets' }, legFigures(c.nearEndLeg), ' / ', legFigures(c.farEndLeg)),
    h('td', {}, control(c.state === 'paused' ? 'resume' : 'pause'), ' ', control('stop')));
}

async function callsView() {
  const tbody = h('tbody', {});
  const fill = calls => tbody.replaceChildren(...(calls.length ? calls.map(callRow)
    : [h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No call is being recorded.'))]));
  fill(await api('GET', '/calls/active'));
  const timer = setInterval(async () => {
    if (!tbody.isConnected) { clearInterval(timer); return; }
    try { fill(await api('GET', '/calls/active')); } catch { /* the next tick tries again */ }
  }, 2000);
  return h('div', {}, h('h1', {}, 'Active calls'), h('div', { class: 'card table-wrap' }, h('table', { id: 'calls-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Started'), h('th', {}, 'Duration'), h('th', {}, 'Near end'), h('th', {}, 'Far end'), h('th', { class: 'hide-narrow' }, 'Refci'),
      h('th', {}, 'Node'), h('th', {}, 'State'), h('th', { class: 'hide-narrow' }, 'Packets near / far'), h('th', {}, 'Recording'))),
    tbody)));
}

// The node's SIP TLS certificate: what CUCM's CallManager-trust must hold; within 30 days of expiry it is flagged.
function tlsCertificate(c) {
  if (!c) return [kv('SIP TLS', 'off')];
  const expires = h('span', { class: c.expiresSoon ? 'warn' : '' }, fmtTime(c.notAfter), c.expiresSoon ? ' — expires soon, renew it' : '');
  return [kv('TLS certificate', c.subject + (c.selfSigned ? ' (self-signed)' : '')), kv('SHA-256', h('code', { class: 'fingerprint' }, c.sha256)),
    kv('Expires', expires)];
}

async function clusterView() {
  const [cluster, license] = await Promise.all([api('GET', '/cluster'), api('GET', '/license')]);
  return h('div', {}, h('h1', {}, 'Cluster'),
    h('p', {}, 'Maintenance runs on ', h('strong', { id: 'maintenance-node' }, cluster.maintenanceNode || 'no node (electing)'), '.'),
    h('div', { class: 'cards', id: 'nodes' }, cluster.nodes.map(n => h('div', { class: 'card' },
      h('h2', {}, n.name, ' ', badge(n.status)),
      h('dl', { class: 'kv' }, kv('Role', n.role), kv('SIP', n.sip), kv('Active calls', `${n.activeCalls} / ${n.licensedChannels} licensed`),
        kv('Free disk', fmtBytes(n.freeBytes)), kv('Replication backlog', n.replicationBacklog), kv('Problem', n.problem),
        ...tlsCertificate(n.sipCertificate))))),
    h('h2', {}, 'This node’s licence'),
    h('div', { class: 'card' }, h('dl', { class: 'kv' }, kv('Node', license.node), kv('Kind', license.kind), kv('Channels', `${license.channelsInUse} of ${license.channels} in use`),
      kv('Licence', license.licenseId), kv('Customer', license.customer), kv('Expires', fmtTime(license.expiresAt)), kv('Problem', license.problem))));
}

// ---------- maintenance ----------
async function maintenanceView() {
  const [m, history] = await Promise.all([api('GET', '/maintenance'), api('GET', '/maintenance/history?limit=20')]);
  const s = m.settings;
  const admin = can('admin');
  const field = (name, label, value, type = 'text') => h('label', {}, label, h('input', { name, type, value: value ?? '', disabled: !admin }));
  const form = h('form', { class: 'card filters', id: 'maintenance-form' },
    field('retentionDays', 'Retention (days)', s.retentionDays, 'number'), field('exportFolder', 'Export folder', s.exportFolder),
    field('fileNamePattern', 'File name pattern', s.fileNamePattern), field('purgePeriod', 'Purge every', s.purgePeriod),
    field('exportPeriod', 'Export every', s.exportPeriod),
    admin ? h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save')) : null);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(form));
    try {
      await api('PUT', '/maintenance', { ...d, retentionDays: Number(d.retentionDays), exportFolder: d.exportFolder || null });
      toast('Settings saved'); route();
    } catch (err) { toast(err.message, true); }
  });
  const run = job => h('button', { id: 'run-' + job, disabled: !admin, onclick: async ev => {
    ev.target.disabled = true;
    try { const r = await api('POST', `/maintenance/${job}/run`); toast(`${job}: ${r.result}, ${r.done} done, ${r.errors} errors`); route(); } catch (err) { toast(err.message, true); ev.target.disabled = false; }
  } }, `Run ${job} now`);
  return h('div', {}, h('h1', {}, 'Maintenance'),
    h('p', {}, 'Running on ', h('strong', {}, m.maintenanceNode || '—'), '. ', run('purge'), ' ', run('export')),
    form,
    h('h2', {}, 'History'),
    h('div', { class: 'card table-wrap' }, h('table', { id: 'history-table' },
      h('thead', {}, h('tr', {}, ['Job', 'Node', 'Started', 'Took', 'Result', 'Done', 'Skipped', 'Errors', 'Message'].map((c, i) => h('th', { class: i >= 5 ? 'hide-narrow' : null }, c)))),
      h('tbody', {}, history.length ? history.map(r => h('tr', {}, h('td', {}, r.job), h('td', {}, r.node), h('td', {}, fmtTime(r.startedAt)),
        h('td', {}, ((new Date(r.endedAt) - new Date(r.startedAt)) / 1000).toFixed(1) + ' s'), h('td', {}, badge(r.result)),
        h('td', { class: 'hide-narrow' }, r.done), h('td', { class: 'hide-narrow' }, r.skipped), h('td', { class: 'hide-narrow' }, r.errors), h('td', { class: 'hide-narrow' }, r.message || '')))
        : h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No runs yet.'))))));
}

// ---------- users ----------
async function usersView() {
  const users = await api('GET', '/users');
  const list = v => (v || '').split(',').map(x => x.trim()).filter(Boolean);
  const form = h('form', { class: 'card filters', id: 'user-form' },
    h('label', {}, 'User name', h('input', { name: 'name', required: true })),
    h('label', {}, 'Role', h('select', { name: 'role' }, ['user', 'supervisor', 'auditor', 'admin'].map(r => h('option', { value: r }, r)))),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'new-password' })),
    h('label', {}, 'Numbers', h('input', { name: 'numbers', placeholder: '198101, 198102' })),
    h('label', {}, 'Devices', h('input', { name: 'devices', placeholder: 'SEP…' })),
    h('label', {}, 'Groups', h('input', { name: 'groups', placeholder: 'sales' })),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save user'), h('span', { class: 'muted' }, 'An existing name updates that user; leave the password empty to keep it.')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(form));
    const body = { name: d.name, role: d.role, password: d.password || null, numbers: list(d.numbers), devices: list(d.devices), groups: list(d.groups) };
    try {
      if (users.some(u => u.name === d.name)) await api('PUT', '/users/' + encodeURIComponent(d.name), body);
      else await api('POST', '/users', body);
      toast('User saved'); route();
    } catch (err) { toast(err.message, true); }
  });
  const edit = u => {
    form.elements.name.value = u.name; form.elements.role.value = u.role; form.elements.password.value = '';
    form.elements.numbers.value = u.numbers.join(', '); form.elements.devices.value = u.devices.join(', '); form.elements.groups.value = u.groups.join(', ');
    form.scrollIntoView({ behavior: 'smooth' });
  };
  return h('div', {}, h('h1', {}, 'Users'),
    h('div', { class: 'card table-wrap' }, h('table', { id: 'users-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Role'), h('th', { class: 'hide-narrow' }, 'Numbers'), h('th', { class: 'hide-narrow' }, 'Devices'), h('th', { class: 'hide-narrow' }, 'Groups'), h('th', {}, ''))),
      h('tbody', {}, users.map(u => h('tr', {}, h('td', {}, u.name, u.disabled ? ' (disabled)' : ''), h('td', {}, u.role),
        h('td', { class: 'hide-narrow' }, u.numbers.join(', ')), h('td', { class: 'hide-narrow' }, u.devices.join(', ')), h('td', { class: 'hide-narrow' }, u.groups.join(', ')),
        h('td', {}, h('button', { onclick: () => edit(u) }, 'Edit'), ' ',
          h('button', { class: 'danger', onclick: async () => {
            if (!confirm(`Delete user ${u.name}?`)) return;
            try { await api('DELETE', '/users/' + encodeURIComponent(u.name)); route(); } catch (err) { toast(err.message, true); }
          } }, 'Delete'))))))),
    h('h2', {}, 'Add or change a user'), form);
}

// ---------- audit ----------
async function auditView() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  q.set('pageSize', '100');
  const data = await api('GET', '/audit?' + q);
  const form = h('form', { class: 'card filters', id: 'audit-form' },
    h('label', {}, 'User', h('input', { name: 'user', value: q.get('user') || '' })),
    h('label', {}, 'Action', h('input', { name: 'action', value: q.get('action') || '', placeholder: 'sign-in, play, …' })),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      h('a', { href: '/api/audit.csv?' + new URLSearchParams([...q].filter(([k]) => k === 'user' || k === 'action')), id: 'audit-csv', download: 'audit.csv' }, 'Export CSV')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const p = new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
    location.hash = '#/audit?' + p;
  });
  return h('div', {}, h('h1', {}, 'Audit log'), form,
    h('div', { class: 'card table-wrap' }, h('p', { class: 'muted' }, `${data.total} entries (newest 100 shown)`),
      h('table', { id: 'audit-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'User'), h('th', { class: 'hide-narrow' }, 'Source'), h('th', {}, 'Action'), h('th', {}, 'Target'), h('th', { class: 'hide-narrow' }, 'Details'))),
        h('tbody', {}, data.items.map(e => h('tr', {}, h('td', {}, fmtTime(e.at)), h('td', {}, e.user || ''), h('td', { class: 'hide-narrow' }, e.source || ''),
          h('td', {}, e.action), h('td', {}, e.target || ''), h('td', { class: 'hide-narrow' }, e.details || '')))))));
}

// ---------- webhooks (admin) ----------
const WEBHOOK_EVENTS = ['call.started', 'call.ended', 'recording.completed', 'recording.deleted', 'alarm'];
async function webhooksView(id) {
  const hooks = await api('GET', '/webhooks');
  const form = h('form', { class: 'card filters', id: 'webhook-form' },
    h('label', {}, 'URL', h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://receiver.example/hooks' })),
    h('fieldset', { class: 'events' }, h('legend', {}, 'Events'),
      WEBHOOK_EVENTS.map(e => h('label', {}, h('input', { type: 'checkbox', name: 'events', value: e, checked: true }), ' ', e))),
    h('label', {}, 'Secret', h('input', { name: 'secret', type: 'password', autocomplete: 'off', placeholder: 'empty: generated and shown once' })),
    h('label', {}, 'Description', h('input', { name: 'description' })),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Add webhook'),
      h('span', { class: 'muted' }, 'Admin only: the recorder posts signed JSON to this URL from inside your network.')));
  const secretBox = h('p', { id: 'webhook-secret', class: 'card', hidden: true });
  const showSecret = secret => {
    secretBox.replaceChildren('Secret (shown once, copy it now): ', h('code', {}, secret));
    secretBox.hidden = false;
  };
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const d = new FormData(form);
    const body = { url: d.get('url'), events: d.getAll('events'), secret: d.get('secret') || null, description: d.get('description') || null };
    try {
      const created = await api('POST', '/webhooks', body);
      toast('Webhook added'); form.reset();
      await refresh();
      if (created.secret) showSecret(created.secret);
    } catch (err) { toast(err.message, true); }
  });
  const change = async (hook, body, message) => {
    try { const r = await api('PUT', '/webhooks/' + encodeURIComponent(hook.id), body); toast(message); await refresh(); if (r.secret) showSecret(r.secret); }
    catch (err) { toast(err.message, true); }
  };
  const table = h('div', { class: 'card table-wrap' });
  const deliveries = h('div', { id: 'webhook-deliveries' });
  async function refresh() {
    const list = await api('GET', '/webhooks');
    table.replaceChildren(h('table', { id: 'webhooks-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'URL'), h('th', { class: 'hide-narrow' }, 'Events'), h('th', {}, 'State'), h('th', {}, ''))),
      h('tbody', {}, list.map(w => h('tr', {},
        h('td', {}, h('a', { href: '#/webhooks/' + encodeURIComponent(w.id) }, w.url), w.description ? h('div', { class: 'muted' }, w.description) : null),
        h('td', { class: 'hide-narrow' }, w.events.join(', ')),
        h('td', {}, w.enabled ? 'enabled' : 'disabled'),
        h('td', {},
          h('button', { onclick: () => change(w, { enabled: !w.enabled }, w.enabled ? 'Disabled' : 'Enabled') }, w.enabled ? 'Disable' : 'Enable'), ' ',
          h('button', { onclick: () => { if (confirm('Generate a new secret? The receiver must then use it.')) change(w, { rotateSecret: true }, 'Secret rotated'); } }, 'New secret'), ' ',
          h('button', { class: 'danger', onclick: async () => {
            if (!confirm(`Delete the webhook to ${w.url} and its delivery log?`)) return;
            try { await api('DELETE', '/webhooks/' + encodeURIComponent(w.id)); location.hash = '#/webhooks'; route(); } catch (err) { toast(err.message, true); }
          } }, 'Delete')))))));
  }
  await refresh();
  const selected = id && hooks.find(w => w.id === id);
  if (selected) {
    const log = await api('GET', `/webhooks/${encodeURIComponent(id)}/deliveries?limit=100`);
    deliveries.replaceChildren(h('h2', {}, 'Deliveries to ', selected.url),
      h('div', { class: 'card table-wrap' }, log.length === 0 ? h('p', { class: 'muted' }, 'No deliveries yet.') : h('table', { id: 'deliveries-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Event'), h('th', {}, 'State'), h('th', {}, 'Attempts'), h('th', { class: 'hide-narrow' }, 'Last result'), h('th', { class: 'hide-narrow' }, 'Event id'))),
        h('tbody', {}, log.map(d => h('tr', {}, h('td', {}, fmtTime(d.lastAttemptAt || d.createdAt)), h('td', {}, d.type), h('td', {}, badge(d.state)),
          h('td', {}, String(d.attempts)), h('td', { class: 'hide-narrow' }, d.lastError || (d.lastStatus ? 'HTTP ' + d.lastStatus : '')),
          h('td', { class: 'hide-narrow' }, d.eventId)))))));
  }
  return h('div', {}, h('h1', {}, 'Webhooks'), secretBox, table, deliveries, h('h2', {}, 'Add a webhook'), form);
}

// ---------- start ----------
(async () => {
  try { state.me = await api('GET', '/auth/me'); signedIn(); } catch { showLogin(); }
})();
