// Users (admin): add, change, delete; a user's numbers, devices and groups are what they may see.
import { api } from '../api.js';
import { h, toast } from '../dom.js';
import { render } from '../router.js';

export async function usersView() {
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
      toast('User saved'); render.now();
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
            try { await api('DELETE', '/users/' + encodeURIComponent(u.name)); render.now(); } catch (err) { toast(err.message, true); }
          } }, 'Delete'))))))),
    h('h2', {}, 'Add or change a user'), form);
}
