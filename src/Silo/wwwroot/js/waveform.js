// The waveform from the server's peaks, one lane per channel (a call: near end above the axis line, far end below; a
// SIPREC session: one per stream); click to seek. Holds, operator pauses and the manifest's gap ledger are shaded on
// the lane of the channel they concern.
import { api } from './api.js';

// Colours by gap reason (the legend on the recording page uses the same classes).
const GAP_FILL = {
  hold: 'rgba(255, 200, 0, 0.25)', operator: 'rgba(230, 60, 60, 0.35)',
  'packet-loss': 'rgba(200, 200, 200, 0.30)', 'no-media': 'rgba(160, 90, 220, 0.35)', 'media-timeout': 'rgba(160, 90, 220, 0.35)',
  'node-death': 'rgba(230, 60, 60, 0.45)', 'late-leg': 'rgba(160, 90, 220, 0.25)',
};
export const gapFill = reason => GAP_FILL[reason] || 'rgba(200, 200, 200, 0.30)';

/** Which lane a pause or gap shades: its channel (0 = left = near end) or, without one, its leg. */
const laneOf = (x, lanes) => Number.isInteger(x.channel) ? Math.min(lanes - 1, Math.max(0, x.channel)) : x.leg === 'farEnd' ? 1 : 0;
const CHANNEL_COLOURS = ['#1f6feb', '#d9480f', '#2f9e44', '#ae3ec9', '#f08c00', '#1098ad'];

export async function drawWaveform(canvas, audio, id, pauses, gaps) {
  let peaks;
  try { peaks = await api('GET', `/recordings/${encodeURIComponent(id)}/peaks?buckets=800`); } catch { return; }
  const ctx = canvas.getContext('2d');
  const lanes = Math.max(1, peaks.channels.length);
  const shade = (items, duration, w, lane, fill) => {
    for (const p of items) {
      ctx.fillStyle = fill(p);
      const x0 = (p.offsetSeconds || 0) / duration * w, x1 = Math.min(w, ((p.offsetSeconds || 0) + (p.durationSeconds || 0)) / duration * w);
      ctx.fillRect(x0, laneOf(p, lanes) * lane, Math.max(2, x1 - x0), lane);
    }
  };
  const paint = () => {
    const w = canvas.width, hgt = canvas.height, lane = hgt / lanes;
    ctx.fillStyle = '#0f1720'; ctx.fillRect(0, 0, w, hgt);
    ctx.strokeStyle = '#2a3644'; ctx.beginPath();
    for (let c = 1; c < lanes; c++) { ctx.moveTo(0, lane * c); ctx.lineTo(w, lane * c); }
    ctx.stroke();
    peaks.channels.forEach((ch, c) => {
      const mid = lane * c + lane / 2, scale = lane / 2 / 32768;
      ctx.fillStyle = CHANNEL_COLOURS[c % CHANNEL_COLOURS.length];
      for (let i = 0; i < peaks.buckets; i++) {
        const x = i * w / peaks.buckets, bw = Math.max(1, w / peaks.buckets);
        const top = mid - ch.max[i] * scale, bottom = mid - ch.min[i] * scale;
        ctx.fillRect(x, top, bw, Math.max(1, bottom - top));
      }
    });
    const duration = audio.duration || peaks.durationSeconds;
    if (duration > 0) {
      // An operator's pause (PCI DSS) red, a hold amber; the ledger's other gaps by reason.
      shade(pauses, duration, w, lane, p => gapFill(p.reason === 'operator' ? 'operator' : 'hold'));
      shade(gaps.filter(g => g.reason !== 'hold' && g.reason !== 'operator'), duration, w, lane, g => gapFill(g.reason));
      const x = audio.currentTime / duration * w;
      ctx.fillStyle = '#fff'; ctx.fillRect(x, 0, 2, hgt);
    }
  };
  paint();
  canvas.dataset.painted = 'true';
  audio.addEventListener('timeupdate', paint);
  audio.addEventListener('seeked', paint);
  canvas.addEventListener('click', e => {
    const rect = canvas.getBoundingClientRect();
    const duration = audio.duration || peaks.durationSeconds;
    audio.currentTime = (e.clientX - rect.left) / rect.width * duration;
    paint();
  });
}
