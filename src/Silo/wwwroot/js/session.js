// Who is signed in (GET /api/auth/me) and what the page may offer them.

// lastSearch: the route of the last search shown, where a recording's page leads back to.
export const session = { me: null, autoplay: false, lastSearch: null };
export const can = (...roles) => !!session.me && roles.includes(session.me.role);
