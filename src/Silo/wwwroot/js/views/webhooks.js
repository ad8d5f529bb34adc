// Webhooks (admin): subscriptions, their secrets (shown once) and delivery logs.
import { api } from '../api.js';
import { h, badge, toast } from '../dom.js';
import { fmtTime } from '../format.js';
import { render } from '../router.js';

const WEBHOOK_EVENTS = ['call.started', 'call.ended', 'recording.completed', 'recording.deleted', 'alarm'];
export async function webhooksView(id) {
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
            try { await api('DELETE', '/webhooks/' + encodeURIComponent(w.id)); location.hash = '#/webhooks'; render.now(); } catch (err) { toast(err.message, true); }
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
