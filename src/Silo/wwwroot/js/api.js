// The REST API under /api (cookie session). A 401 on any call but sign-in shows the sign-in form.

export class ApiError extends Error {
  constructor(status, problem) {
    const errors = problem && problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
    super((problem && (problem.detail || errors || problem.title)) || `HTTP ${status}`);
    this.status = status;
  }
}

/** Set by app.js: what a 401 does. */
export const unauthorized = { handler: () => {} };

export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const response = await fetch('/api' + path, init);
  if (response.status === 401 && path !== '/auth/login') { unauthorized.handler(); throw new ApiError(401, { detail: 'Please sign in.' }); }
  const text = await response.text();
  const data = text && (response.headers.get('content-type') || '').includes('json') ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, typeof data === 'object' ? data : null);
  return data;
}
