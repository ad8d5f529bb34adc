// One recording: player (keyboard: space plays or pauses, arrows seek 5 s), waveform with holds and gaps, the call
// quality first in words and units, the raw counters folded away, then legal hold, tags and notes.
import { api } from '../api.js';
import { h, kv, badge, toast } from '../dom.js';
import { fmtTime, fmtDuration, fmtBytes, fmtPercent, fmtSeconds, party } from '../format.js';
import { render } from '../router.js';
import { session, can } from '../session.js';
import { drawWaveform } from '../waveform.js';

const SEEK_SECONDS = 5;

// The manifest's leg counters (Media/RtpLegStats.cs) in words; a counter not listed here shows under its own name.
const STAT_LABELS = {
  packetsReceived: 'Packets received', packetsLost: 'Packets lost', packetsDuplicate: 'Duplicate packets', packetsReordered: 'Packets out of order',
  packetsLate: 'Packets too late to play', packetsWrongSource: 'Packets from a refused source', packetsMalformed: 'Malformed packets',
  packetsUnknownPayloadType: 'Packets of an unknown payload type', packetsHeldOverflow: 'Packets dropped while held (buffer full)',
  telephoneEvents: 'Key-press events (RFC 4733)', comfortNoisePackets: 'Comfort-noise packets', comfortNoiseSamples: 'Comfort-noise samples',
  ssrcChanges: 'Stream (SSRC) changes', gaps: 'Gaps', gapSamples: 'Gap samples', samplesWritten: 'Samples written',
  packetsAuthFailed: 'SRTP packets failing authentication', packetsReplayed: 'SRTP replays dropped', srtpSuite: 'SRTP suite',
  sourceRule: 'Source rule', declaredSource: 'Source in SDP', latchedSource: 'Latched source', latchedSsrc: 'Latched SSRC', refusedSource: 'First refused source',
  jitterMilliseconds: 'Jitter (ms)',
};

const GAP_REASONS = {
  'no-media': 'no media yet', 'packet-loss': 'packets lost', hold: 'on hold', operator: 'paused by an operator',
  'node-death': 'recording node lost', 'late-leg': 'leg joined late', 'media-timeout': 'media stopped',
};
const legName = leg => leg === 'nearEnd' ? 'Near end' : leg === 'farEnd' ? 'Far end' : `Stream ${leg}`;

/** The quality of one leg in words: loss in %, gaps in seconds, jitter when the recorder measured it. */
function quality(stats, rate) {
  const received = stats.packetsReceived || 0, lost = stats.packetsLost || 0;
  const jitter = stats.jitterMilliseconds ?? stats.jitterMs ?? stats.jitter;
  return [
    kv('Packets lost', h('span', { class: 'loss' }, `${fmtPercent(lost, received + lost)} (${lost} of ${received + lost})`)),
    kv('Gaps', stats.gaps ? `${stats.gaps} · ${fmtSeconds((stats.gapSamples || 0) / rate)} missing` : 'none'),
    jitter !== undefined && jitter !== null ? kv('Jitter', `${Number(jitter).toFixed(1)} ms`) : null,
    stats.comfortNoiseSamples ? kv('Silence sent as comfort noise', fmtSeconds(stats.comfortNoiseSamples / rate)) : null,
    stats.samplesWritten !== undefined ? kv('Audio written', fmtSeconds(stats.samplesWritten / rate)) : null,
  ];
}

function legCard(r, m, k) {
  const leg = m[k] || {};
  const stats = leg.stats || {};
  const rate = r.sampleRate || 8000;
  // Where the leg's RTP came from: the source it latched, or the source it refused (a leg flagged wrong-source).
  const wrongSource = (r.flags || []).includes((k === 'nearEnd' ? 'near-end' : 'far-end') + '-wrong-source');
  const source = [
    stats.latchedSource ? kv('Media source', `latched ${stats.latchedSource}` + (stats.declaredSource ? ` (SDP: ${stats.declaredSource})` : '')) : null,
    stats.refusedSource ? kv('Refused source', h('span', { class: wrongSource ? 'error refused-source' : 'refused-source' },
      `${wrongSource ? 'wrong-source: all ' : ''}${stats.packetsWrongSource} packet(s) from ${stats.refusedSource}` + (stats.declaredSource ? ` (SDP: ${stats.declaredSource})` : ''))) : null];
  return h('div', { class: 'leg', dataset: { leg: k } }, h('h2', {}, k === 'nearEnd' ? 'Near end (left)' : 'Far end (right)'),
    h('dl', { class: 'kv quality' }, quality(stats, rate)),
    h('dl', { class: 'kv' }, source, kv('Number', leg.number), kv('Device', leg.device), kv('Codec', leg.codec), kv('First packet', fmtTime(leg.firstPacketAt)),
      kv('Leading silence', leg.leadingSilenceSamples ? (leg.leadingSilenceSamples / rate).toFixed(2) + ' s' : '0 s')),
    h('details', { class: 'raw-stats' }, h('summary', {}, 'All counters'),
      h('dl', { class: 'kv' }, Object.entries(stats).map(([sk, sv]) => kv(STAT_LABELS[sk] || sk, typeof sv === 'object' ? JSON.stringify(sv) : String(sv))))));
}

/** Space plays or pauses, left and right arrows seek 5 s; not while typing in a field. Removed with the page. */
function bindKeys(audio) {
  const onKey = e => {
    if (!audio.isConnected) { document.removeEventListener('keydown', onKey); return; }
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.closest('input, textarea, select, [contenteditable]')) return;
    if (e.key === ' ' && !e.target.closest('button, a, audio')) { e.preventDefault(); if (audio.paused) audio.play().catch(() => {}); else audio.pause(); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); audio.currentTime = Math.max(0, audio.currentTime - SEEK_SECONDS); }
    else if (e.key === 'ArrowRight') { e.preventDefault(); audio.currentTime = Math.min(audio.duration || Infinity, audio.currentTime + SEEK_SECONDS); }
  };
  document.addEventListener('keydown', onKey);
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

/** A SIPREC session's participants and which channel carries whose voice (the server's display, RecordingDto.participants). */
function siprecCard(s, participants) {
  return h('div', { class: 'card', id: 'participants' }, h('h2', {}, 'Participants (SIPREC)'),
    h('p', { class: 'muted' }, `Streams mapped by ${s.streamMapping}` + (s.metadataProblem ? ` (metadata ${s.metadataProblem})` : '')),
    h('ul', {}, (participants || []).map(p => h('li', { dataset: { channel: p.channel ?? '' } },
      p.display + (p.joinedAt ? ` · joined ${fmtTime(p.joinedAt)}` : '') + (p.leftAt ? ` · left ${fmtTime(p.leftAt)}` : '')))));
}

export async function recordingView(id) {
  const r = await api('GET', '/recordings/' + encodeURIComponent(id));
  const ann = await api('GET', `/recordings/${encodeURIComponent(id)}/annotations`);
  const m = r.manifest || {};
  const gaps = r.gaps || m.gaps || [];
  const audioUrl = `/api/recordings/${encodeURIComponent(id)}/audio`;
  const audio = h('audio', { id: 'player', controls: true, preload: 'metadata', src: audioUrl });
  // A call of several recordings (agent hold, transfer): its parts in order; the player goes on with the next part.
  const group = r.parts > 1 ? await api('GET', `/recordings/groups/${encodeURIComponent(r.groupId)}`).catch(() => null) : null;
  const next = group ? group.parts.find(p => p.part === r.part + 1) : null;
  if (next) audio.addEventListener('ended', () => { session.autoplay = true; location.hash = '#/recording/' + encodeURIComponent(next.id); });
  if (session.autoplay) { session.autoplay = false; audio.autoplay = true; }
  const canvas = h('canvas', { id: 'waveform', width: 1200, height: 160 });
  const speed = h('select', { id: 'speed', onchange: () => { audio.playbackRate = Number(speed.value); } },
    [0.5, 0.75, 1, 1.25, 1.5, 2].map(s => h('option', { value: s, selected: s === 1 }, s + '×')));
  const otherGaps = gaps.filter(g => g.reason !== 'hold' && g.reason !== 'operator');
  const player = h('div', { class: 'card player' },
    h('h2', {}, 'Playback'),
    canvas,
    h('div', { class: 'legend' }, h('span', { class: 'near' }, 'near end (left)'), h('span', { class: 'far' }, 'far end (right)'),
      (r.pauses || []).length ? h('span', { class: 'hold' }, 'on hold') : null,
      otherGaps.length ? h('span', { class: 'gap' }, 'missing audio') : null),
    group ? callParts(group, r) : null,
    audio,
    h('div', { class: 'player-controls' },
      h('label', {}, 'Speed', speed),
      h('button', { id: 'back5', onclick: () => { audio.currentTime = Math.max(0, audio.currentTime - SEEK_SECONDS); } }, '−5 s'),
      h('button', { id: 'forward5', onclick: () => { audio.currentTime = audio.currentTime + SEEK_SECONDS; } }, '+5 s'),
      h('a', { id: 'download', href: audioUrl + '?download=true', download: `${r.id}.${r.format === 'opus' ? 'opus' : 'wav'}` }, 'Download'),
      h('span', { class: 'muted keys' }, 'Keys: space play/pause · ← → 5 s')));
  drawWaveform(canvas, audio, id, r.pauses || [], gaps);
  bindKeys(audio);

  const tagsInput = h('input', { id: 'tags-input', value: ann.tags.join(', '), placeholder: 'tag1, tag2' });
  const noteInput = h('textarea', { id: 'note-input', rows: 2, placeholder: 'Add a note' });
  const readOnly = !can('admin', 'supervisor', 'user');
  const controls = h('div', { class: 'card' },
    h('h2', {}, 'Legal hold, tags and notes'),
    h('p', {}, 'Legal hold: ', h('strong', { id: 'preserved' }, ann.preserved ? 'on (kept by the purge)' : 'off'), ' ',
      can('admin', 'supervisor') ? h('button', { id: 'preserve', onclick: async () => {
        try { await api('PUT', `/recordings/${encodeURIComponent(id)}/preserve`, { preserved: !ann.preserved }); render.now(); } catch (err) { toast(err.message, true); }
      } }, ann.preserved ? 'Lift hold' : 'Preserve') : null),
    h('div', { class: 'row' }, h('label', { class: 'grow' }, 'Tags', tagsInput),
      h('button', { disabled: readOnly, onclick: async () => {
        try { await api('PUT', `/recordings/${encodeURIComponent(id)}/tags`, { tags: tagsInput.value.split(',').map(t => t.trim()).filter(Boolean) }); toast('Tags saved'); } catch (err) { toast(err.message, true); }
      } }, 'Save tags')),
    h('h2', {}, 'Notes'),
    h('ul', { class: 'notes', id: 'notes' }, ann.notes.map(n => h('li', {}, h('div', { class: 'muted' }, `${n.user} · ${fmtTime(n.at)}`), n.text))),
    h('div', { class: 'row' }, h('label', { class: 'grow' }, 'Note', noteInput),
      h('button', { disabled: readOnly, onclick: async () => {
        try { await api('POST', `/recordings/${encodeURIComponent(id)}/notes`, { text: noteInput.value }); render.now(); } catch (err) { toast(err.message, true); }
      } }, 'Add note')),
    can('admin') ? h('p', {}, h('button', { class: 'danger', id: 'delete', onclick: async () => {
      if (!confirm('Delete this recording from this node and the catalog?')) return;
      try { await api('DELETE', '/recordings/' + encodeURIComponent(id)); toast('Deleted'); location.hash = '#/recordings'; } catch (err) { toast(err.message, true); }
    } }, 'Delete recording')) : null);

  return h('div', {},
    // Back to the search this recording was found in, with its filters, sort and page.
    h('p', {}, h('a', { id: 'back-to-search', href: session.lastSearch || '#/recordings' }, '‹ Recordings')),
    h('h1', { id: 'recording-title' }, `${party(r.nearEnd)} ↔ ${party(r.farEnd)}`),
    h('div', { class: 'grid2' },
      h('div', {}, player, controls),
      h('div', {},
        h('div', { class: 'card', id: 'details' }, h('h2', {}, 'Details'),
          h('dl', { class: 'kv' }, kv('Id', r.id), kv('Started', fmtTime(r.startedAt)), kv('Ended', fmtTime(r.endedAt)), kv('Length', fmtDuration(r.durationSeconds)),
            kv('Status', badge(r.status)), kv('Flags', r.flags.length ? r.flags.join(', ') : 'none'), kv('Refci', r.refci), kv('Profile', r.profile),
            kv('Codec', r.codec), kv('Format', r.format), kv('Sample rate', r.sampleRate ? `${r.sampleRate / 1000} kHz` : null), kv('Size', fmtBytes(r.sizeBytes)), kv('SHA-256', r.sha256), kv('Recorded by', r.recordedBy),
            kv('Replicas', r.replicas.join(', ')))),
        h('div', { class: 'card', id: 'quality' }, ['nearEnd', 'farEnd'].map(k => legCard(r, m, k))),
        gaps.length ? h('div', { class: 'card', id: 'gaps' }, h('h2', {}, 'Gaps in the audio'),
          h('ul', {}, gaps.map(g => h('li', { dataset: { leg: g.leg, reason: g.reason } },
            `${legName(g.leg)}: ${GAP_REASONS[g.reason] || g.reason} at ${fmtDuration(g.offsetSeconds)} for ${fmtSeconds(g.durationSeconds || 0)}`)))) : null,
        (r.pauses || []).length ? h('div', { class: 'card', id: 'pauses' }, h('h2', {}, 'Holds'),
          h('ul', {}, r.pauses.map(p => h('li', { dataset: { leg: p.leg } },
            `${p.leg === 'nearEnd' ? 'Near end' : 'Far end'} ${p.reason === 'operator' ? `recording paused by ${p.by}` : `on ${p.reason}`} at ${fmtDuration(p.offsetSeconds)} for ${(p.durationSeconds || 0).toFixed(1)} s`)))) : null,
        (r.dtmf || []).length ? h('div', { class: 'card', id: 'dtmf' }, h('h2', {}, 'Keys pressed (DTMF)'),
          h('ul', {}, r.dtmf.map(d => h('li', { dataset: { leg: d.leg, masked: String(!!d.masked) } },
            `${d.leg === 'nearEnd' ? 'Near end' : 'Far end'} pressed ${d.masked ? 'a key (masked)' : d.digit} at ${fmtDuration(d.offsetSeconds)} for ${d.durationMilliseconds} ms`)))) : null,
        m.siprec ? siprecCard(m.siprec, r.participants) : null)));
}
