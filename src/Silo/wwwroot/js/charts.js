// Charts drawn by hand in SVG (no chart library: the page loads nothing from the internet). Each bar carries its
// value in data-value, so what a chart shows can be read from the DOM too.
import { svg } from './dom.js';

const W = 600, H = 200, LEFT = 36, BOTTOM = 22, TOP = 10, RIGHT = 6;

/** The smallest "round" number (1, 2 or 5 × 10^n) at or above v. */
const niceMax = v => {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map(m => m * p).find(n => n >= v);
};

/**
 * A bar chart of points [{ at, value }]: tick(at) labels the x axis (about eight labels whatever the count), an
 * optional limit (the licence) is a dashed line with its label.
 */
export function barChart({ id, title, points, tick, describe, limit, limitLabel }) {
  const max = niceMax(Math.max(1, limit || 0, ...points.map(p => p.value)));
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const step = plotW / Math.max(1, points.length);
  const y = v => TOP + plotH - v / max * plotH;
  const every = Math.max(1, Math.ceil(points.length / 8));
  return svg('svg', { id, class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'none' },
    svg('title', {}, title),
    // Grid: zero, half and top, labelled on the left.
    [0, max / 2, max].map(v => [
      svg('line', { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: LEFT - 4, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, Number.isInteger(v) ? String(v) : v.toFixed(1)),
    ]),
    points.map((p, i) => svg('rect', {
      class: 'bar', x: LEFT + i * step + step * 0.12, width: Math.max(1, step * 0.76), y: y(p.value), height: Math.max(0, TOP + plotH - y(p.value)),
      dataset: { value: String(p.value), at: p.at },
    }, svg('title', {}, describe(p)))),
    points.map((p, i) => i % every === 0
      ? svg('text', { x: LEFT + i * step + step / 2, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, tick(p.at)) : null),
    limit ? [
      svg('line', { x1: LEFT, x2: W - RIGHT, y1: y(limit), y2: y(limit), class: 'limit', dataset: { value: String(limit) } }),
      svg('text', { x: W - RIGHT - 2, y: y(limit) - 4, class: 'axis limit-label', 'text-anchor': 'end' }, limitLabel || String(limit)),
    ] : null);
}
