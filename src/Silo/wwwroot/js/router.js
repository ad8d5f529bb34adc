// Hash routes: #/{view}/{arg}?{query}. The query is a view's state (a search's filters, sort and page), so a link
// to it can be shared and a reload keeps it.

/** The current route: view name, its argument, and its query parameters. */
export function current() {
  const hash = location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  const path = q < 0 ? hash : hash.slice(0, q);
  const [name = '', ...rest] = path.split('/');
  return { name, arg: decodeURIComponent(rest.join('/')), params: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)) };
}

/** Goes to a view with that state (a new history entry); the hashchange renders it. */
export function go(name, params) {
  const query = params && [...params].length ? '?' + params : '';
  const hash = `#/${name}${query}`;
  if (location.hash === hash) render.now(); else location.hash = hash;
}

/** Set by app.js: renders the current route again. */
export const render = { now: () => {} };
