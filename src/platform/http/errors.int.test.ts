import { describe, expect, it } from 'vitest';
import { TEST_SECRET, testServices } from '../../../test/support/factories.js';
import { backend } from '../../../test/support/db.js';
import { registerRoutes } from '../../routes.js';
import { buildApp } from './app.js';

/** The real app plus two routes that fail the way a bug would. */
async function appWithFailures() {
  const services = await testServices();
  return buildApp({
    config: { sessionSecret: TEST_SECRET, logLevel: 'silent', trustProxy: false, databaseKind: backend, rateLimitPerMinute: 100_000 },
    services,
    logger: false,
    routes: async (app, s) => {
      await registerRoutes(app, s);
      app.get('/boom', { schema: { hide: true } }, async () => {
        throw new Error('connection to postgres://app:secret@db failed at Object.<anonymous> (/srv/app.js:1:1)');
      });
      app.get('/api/v1/boom', { schema: { hide: true } }, async () => {
        throw new Error('connection to postgres://app:secret@db failed');
      });
    },
  });
}

describe('errors reach users without internals', () => {
  it('renders an NHS-style 500 page with no message, stack or secrets', async () => {
    const app = await appWithFailures();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('Something went wrong');
    expect(response.body).not.toMatch(/secret|postgres|app\.js|at Object/);
  });

  it('answers API failures with problem+json and no internals', async () => {
    const app = await appWithFailures();
    const response = await app.inject({ method: 'GET', url: '/api/v1/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toEqual({ type: 'about:blank', title: 'Something went wrong', status: 500, detail: 'Something went wrong on our side. Try again later.' });
  });

  it('gives unknown pages a 404 page and unknown API routes a 404 problem', async () => {
    const app = await appWithFailures();
    const page = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page not found');
    const api = await app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
  });

  it('sends a strict Content Security Policy and never serves source maps', async () => {
    const app = await appWithFailures();
    const response = await app.inject({ method: 'GET', url: '/sign-in' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.body).not.toMatch(/<script(?![^>]*src=)/);
    expect((await app.inject({ method: 'GET', url: '/assets/nhsuk-frontend.min.css' })).body).not.toContain('assets.nhs.uk');
  });

  it('reports health with the database kind', async () => {
    const app = await appWithFailures();
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.json()).toMatchObject({ status: 'ok', database: backend });
  });
});
