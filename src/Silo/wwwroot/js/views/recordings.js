// The recordings search. Its whole state (filters, sort, order, grouping, page) is the route's query:
// #/recordings?number=198101&sort=duration&order=asc&page=2 shows the same results in any browser signed in.
import { api } from '../api.js';
import { h, badge } from '../dom.js';
import { fmtTime, fmtDuration, fmtBytes, party, toLocalInput } from '../format.js';
import { go } from '../router.js';
import { session } from '../session.js';

const PAGE_SIZE = 25;
const FILTERS = ['from', 'to', 'number', 'device', 'status', 'flag'];
const STATUSES = ['', 'complete', 'partial', 'interrupted'];
// Why a leg recorded nothing (RecordingCoordinator.NoAudioReason), or any other flag the manifest carries.
const FLAGS = ['', 'no-audio', 'no-ack', 'no-media', 'wrong-source', 'unusable-media', 'media-timeout', 'missing'];

/** The search state from the route's query, with the defaults filled in. */
function stateOf(params) {
  const page = Math.max(1, parseInt(params.get('page'), 10) || 1);
  return {
    page,
    sort: params.get('sort') || 'startedAt',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    // 'call': one row per CUCM call (its recordings across holds and transfers are one group, listed in the row).
    groupBy: params.get('groupBy') === 'recording' ? 'recording' : 'call',
    filters: Object.fromEntries(FILTERS.filter(k => params.get(k)).map(k => [k, params.get(k)])),
  };
}

/** The route's query for a state: defaults left out, so the shortest link names the same search. */
function paramsOf(s) {
  const p = new URLSearchParams(s.filters);
  if (s.sort !== 'startedAt') p.set('sort', s.sort);
  if (s.order !== 'desc') p.set('order', s.order);
  if (s.groupBy !== 'call') p.set('groupBy', s.groupBy);
  if (s.page > 1) p.set('page', s.page);
  return p;
}

const show = s => go('recordings', paramsOf(s));

export async function recordingsView(_, params) {
  const s = stateOf(params);
  session.lastSearch = location.hash;
  const f = s.filters;
  const input = (name, label, type = 'text') => h('label', {}, label,
    h('input', { name, type, value: type === 'datetime-local' ? (f[name] ? toLocalInput(f[name]) : '') : f[name] || '' }));
  const select = (name, label, values) => h('label', {}, label,
    h('select', { name }, values.map(v => h('option', { value: v, selected: (f[name] || '') === v }, v || 'any'))));
  const form = h('form', { class: 'filters card', id: 'filters' },
    input('from', 'From', 'datetime-local'), input('to', 'To', 'datetime-local'),
    input('number', 'Number'), input('device', 'Device'),
    select('status', 'Status', STATUSES), select('flag', 'Flag', FLAGS),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'group-by-call', checked: s.groupBy === 'call',
      onchange: e => show({ ...s, groupBy: e.target.checked ? 'call' : 'recording', page: 1 }) }), 'One row per call'),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Search'), h('button', { type: 'reset' }, 'Clear')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    // Times go into the link as UTC instants: the same link means the same period wherever it is opened.
    const filters = Object.fromEntries([...new FormData(form)].filter(([, v]) => v)
      .map(([k, v]) => [k, k === 'from' || k === 'to' ? new Date(v).toISOString() : v]));
    show({ ...s, filters, page: 1 });
  });
  form.addEventListener('reset', e => { e.preventDefault(); show({ ...s, filters: {}, page: 1 }); });

  const q = new URLSearchParams({ page: s.page, pageSize: PAGE_SIZE, sort: s.sort, order: s.order, groupBy: s.groupBy });
  for (const [k, v] of Object.entries(f)) q.set(k, v);
  const data = await api('GET', '/recordings?' + q);

  const th = (label, sort, cls) => h('th', {
    'data-sort': sort || null, class: [cls, sort && s.sort === sort ? 'sorted-' + s.order : ''].filter(Boolean).join(' ') || null,
    onclick: sort ? () => show({ ...s, order: s.sort === sort && s.order === 'desc' ? 'asc' : 'desc', sort, page: 1 }) : null,
  }, label);
  const grouped = s.groupBy === 'call';
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
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  return h('div', {},
    h('h1', {}, 'Recordings'), form,
    h('div', { class: 'card' },
      h('div', { class: 'table-wrap' }, h('table', { id: 'recordings-table' },
        h('thead', {}, h('tr', {}, th('Started', 'startedAt'), th('Length', 'duration'), th('Near end', 'nearNumber'), th('Far end', 'farNumber', 'hide-narrow'), th('Codec', null, 'hide-narrow'), th('Size', 'size', 'hide-narrow'), th('Status'))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7, class: 'muted', id: 'no-recordings' }, 'No recordings match.'))))),
      h('div', { class: 'pager' },
        h('span', { id: 'page-info', class: 'muted' }, `${data.total} ${grouped ? 'call' : 'recording'}${data.total === 1 ? '' : 's'} · page ${s.page} of ${pages}`),
        h('button', { id: 'prev', disabled: s.page <= 1, onclick: () => show({ ...s, page: s.page - 1 }) }, '‹ Prev'),
        h('button', { id: 'next', disabled: s.page >= pages, onclick: () => show({ ...s, page: s.page + 1 }) }, 'Next ›'))));
}
