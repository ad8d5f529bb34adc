// The audit log (admin, auditor), newest first. The filter is the route's query (#/audit?user=alice&action=play),
// so a filtered view can be linked to, reloaded, and reached from a user or action in the table.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtTime } from '../format.js';
import { go } from '../router.js';

const FILTERS = ['user', 'action', 'from', 'to'];
const PAGE_SIZE = 100;

export async function auditView(_, params) {
  const filter = new URLSearchParams([...params].filter(([k, v]) => FILTERS.includes(k) && v));
  const data = await api('GET', `/audit?${filter}${[...filter].length ? '&' : ''}pageSize=${PAGE_SIZE}`);
  const link = (key, value) => value
    ? h('a', { href: '#/audit?' + new URLSearchParams({ ...Object.fromEntries(filter), [key]: value }), class: 'filter-link', dataset: { [key]: value } }, value)
    : '';
  const form = h('form', { class: 'card filters', id: 'audit-form' },
    h('label', {}, 'User', h('input', { name: 'user', value: filter.get('user') || '' })),
    h('label', {}, 'Action', h('input', { name: 'action', value: filter.get('action') || '', placeholder: 'sign-in, play, …' })),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      [...filter].length ? h('a', { href: '#/audit', id: 'audit-clear' }, 'Show all') : null,
      h('a', { href: '/api/audit.csv?' + filter, id: 'audit-csv', download: 'audit.csv' }, 'Export CSV')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    go('audit', new URLSearchParams([...new FormData(form)].filter(([, v]) => v)));
  });
  return h('div', {}, h('h1', {}, 'Audit log'), form,
    h('div', { class: 'card table-wrap' }, h('p', { class: 'muted', id: 'audit-total' }, `${data.total} entries` + (data.total > PAGE_SIZE ? ` (newest ${PAGE_SIZE} shown)` : '')),
      h('table', { id: 'audit-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'User'), h('th', { class: 'hide-narrow' }, 'Source'), h('th', {}, 'Action'), h('th', {}, 'Target'), h('th', { class: 'hide-narrow' }, 'Details'))),
        h('tbody', {}, data.items.map(e => h('tr', { dataset: { user: e.user || '', action: e.action } }, h('td', {}, fmtTime(e.at)), h('td', {}, link('user', e.user)),
          h('td', { class: 'hide-narrow' }, e.source || ''), h('td', {}, link('action', e.action)), h('td', {}, e.target || ''),
          h('td', { class: 'hide-narrow' }, e.details || '')))))));
}
