// How values read on the page: local times, m:ss lengths, bytes in SI units, percentages.

export const fmtTime = iso => iso ? new Date(iso).toLocaleString() : '';
export const fmtDuration = s => { s = Math.round(s || 0); const m = Math.floor(s / 60); return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`; };
export const fmtBytes = n => n >= 1e12 ? (n / 1e12).toFixed(2) + ' TB' : n >= 1e9 ? (n / 1e9).toFixed(1) + ' GB' : n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB' : n >= 1e3 ? (n / 1e3).toFixed(0) + ' kB' : (n || 0) + ' B';
export const fmtSeconds = s => s >= 60 ? fmtDuration(s) + ' min' : `${(s || 0).toFixed(1)} s`;
/** part of whole as a percentage, with more digits when it is small (0.04 % of loss is not 0 %). */
export const fmtPercent = (part, whole) => {
  if (!whole) return '—';
  const p = 100 * part / whole;
  return (p === 0 ? '0' : p < 0.1 ? p.toFixed(3) : p < 10 ? p.toFixed(2) : p.toFixed(1)) + ' %';
};
export const party = p => [p && p.number, p && p.device].filter(Boolean).join(' · ');

/** An ISO time as the value of a datetime-local input (local time, minutes). */
export const toLocalInput = iso => { const d = new Date(iso); return isNaN(d) ? '' : new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); };
