// Building the page's elements. Text is never parsed as HTML: names and numbers come from the network.

export const $ = (sel, root = document) => root.querySelector(sel);

// Bidirectional overrides, isolates and marks reorder how text reads ("1002" shown as "2001"): each is shown as its
// visible code instead (BidiText.cs does the same for CSV).
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
export const visible = text => String(text).replace(BIDI, c => '<U+' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') + '>');

const SVG = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : k === 'title' ? visible(v) : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(visible(c)));
  }
  return el;
}

/** h('td', { class: 'x', onclick: f }, 'text', child, ...): an HTML element; handlers bound in script (the CSP allows no inline ones). */
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);

/** The same for SVG (charts): presentation attributes, never a style attribute (the CSP's style-src 'self' forbids it). */
export const svg = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);

/** A definition list's pair; an empty value shows as a dash. */
export const kv = (key, value) => [h('dt', {}, key), h('dd', {}, value === null || value === undefined || value === '' ? '—' : value)];

export const badge = s => h('span', { class: 'badge ' + String(s || '').toLowerCase() }, s || '—');

export function toast(message, bad) {
  const t = $('#toast');
  t.textContent = visible(message); t.className = 'toast' + (bad ? ' bad' : ''); t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}
