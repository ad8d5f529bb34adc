// Purge and export: settings (admin), run now, and the run history.
import { api } from '../api.js';
import { h, badge, toast } from '../dom.js';
import { fmtTime } from '../format.js';
import { render } from '../router.js';
import { can } from '../session.js';

export async function maintenanceView() {
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
      toast('Settings saved'); render.now();
    } catch (err) { toast(err.message, true); }
  });
  const run = job => h('button', { id: 'run-' + job, disabled: !admin, onclick: async ev => {
    ev.target.disabled = true;
    try { const r = await api('POST', `/maintenance/${job}/run`); toast(`${job}: ${r.result}, ${r.done} done, ${r.errors} errors`); render.now(); } catch (err) { toast(err.message, true); ev.target.disabled = false; }
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
