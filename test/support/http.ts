import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../src/platform/http/app.js';
import { registerRoutes } from '../../src/routes.js';
import { backend } from './db.js';
import { TEST_SECRET, testServices } from './factories.js';

let app: Promise<App> | undefined;

/** The real app on the test database, driven with `app.inject` (no network). */
export function testApp(): Promise<App> {
  app ??= testServices().then((services) =>
    buildApp({
      config: { sessionSecret: TEST_SECRET, logLevel: 'silent', trustProxy: false, databaseKind: backend, rateLimitPerMinute: 100_000 },
      services,
      routes: registerRoutes,
      logger: false,
    }),
  );
  return app;
}

let browsers = 0;

/**
 * A browser-like client: keeps cookies and reads the CSRF token from the last page it fetched.
 * Each one comes from its own address, as separate people would, so per-address rate limits (20
 * sign-ins a minute) apply to each browser and not to every test sharing the app in a worker.
 */
export class Browser {
  private cookies = new Map<string, string>();
  private readonly remoteAddress = `10.${(++browsers >> 16) & 255}.${(browsers >> 8) & 255}.${browsers & 255}`;
  csrf = '';

  constructor(private readonly app: App) {}

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; expires?: Date }[]) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() < Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match) this.csrf = match[1]!;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, cookies: Object.fromEntries(this.cookies) });
    this.remember(response);
    return response;
  }

  /** Posts a form with the page's CSRF token unless the test supplies its own `_csrf`. */
  async post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: this.remoteAddress,
      cookies: Object.fromEntries(this.cookies),
    });
    this.remember(response);
    return response;
  }

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    return this.post('/sign-in', { email, password });
  }
}

/** A browser signed in as this user (sign-in checked: it must redirect). */
export async function signedInBrowser(user: { email: string; password: string }): Promise<Browser> {
  const browser = new Browser(await testApp());
  const signedIn = await browser.signIn(user.email, user.password);
  if (signedIn.statusCode !== 303) throw new Error(`sign-in as ${user.email} answered ${signedIn.statusCode}, not 303`);
  return browser;
}

/** The text of the NHS error summary, or '' when the page has none. */
export function errorSummary(body: string): string {
  const match = /class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(body);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}
