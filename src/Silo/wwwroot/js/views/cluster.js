// Every node: role, health, channels, disk, replication backlog, SIP TLS certificate; this node's licence.
import { api } from '../api.js';
import { h, kv, badge } from '../dom.js';
import { fmtTime, fmtBytes } from '../format.js';

// The node's SIP TLS certificate: what CUCM's CallManager-trust must hold; within 30 days of expiry it is flagged.
function tlsCertificate(c) {
  if (!c) return [kv('SIP TLS', 'off')];
  const expires = h('span', { class: c.expiresSoon ? 'warn' : '' }, fmtTime(c.notAfter), c.expiresSoon ? ' — expires soon, renew it' : '');
  return [kv('TLS certificate', c.subject + (c.selfSigned ? ' (self-signed)' : '')), kv('SHA-256', h('code', { class: 'fingerprint' }, c.sha256)),
    kv('Expires', expires)];
}

export async function clusterView() {
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
      kv('Call capacity', license.callCapacity > 0 ? `${license.callCapacity} calls, then 503 to the backup` : 'no cap'),
      kv('Licence', license.licenseId), kv('Customer', license.customer), kv('Expires', fmtTime(license.expiresAt)), kv('Problem', license.problem))));
}
