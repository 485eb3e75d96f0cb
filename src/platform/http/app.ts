import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../services.js';
import { hmac, safeEqual } from '../auth/secrets.js';
import type { Config } from '../config.js';
import { Forbidden, Unauthenticated } from '../errors.js';
import { loggerOptions } from '../logging.js';
import { createViewEnvironment, NHSUK_ASSETS } from '../views/nunjucks.js';
import { toProblem } from './problem.js';
import './request.js';
import { pageLocals } from './locals.js';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export const SESSION_COOKIE = 'lw_session';
const ANON_COOKIE = 'lw_anon';
const OWN_ASSETS = fileURLToPath(new URL('../views/assets/', import.meta.url));
const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');
const isAsset = (request: FastifyRequest) => request.url.startsWith('/assets/');
const unsafeMethod = (request: FastifyRequest) => !['GET', 'HEAD', 'OPTIONS'].includes(request.method);

/** The NHS.UK stylesheet with its CDN web fonts removed: Linkwork makes no call off the server. */
function offlineNhsukCss(): string {
  const css = readFileSync(path.join(NHSUK_ASSETS, 'nhsuk-frontend.min.css'), 'utf8');
  return css.replace(/@font-face\{[^}]*\}/g, '');
}

export interface AppOptions {
  config: Pick<Config, 'sessionSecret' | 'logLevel' | 'trustProxy' | 'databaseKind' | 'rateLimitPerMinute'>;
  services: Services;
  routes: (app: App, services: Services) => Promise<void>;
  /** Tests pass false to keep the output quiet. */
  logger?: boolean;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const { config, services } = options;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config.logLevel),
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  const views = createViewEnvironment();
  const nhsukCss = offlineNhsukCss();
  const nhsukJs = readFileSync(path.join(NHSUK_ASSETS, 'nhsuk-frontend.min.js'));

  app.decorateRequest('ctx', null);
  app.decorateRequest('liveSession', null);
  app.decorateRequest('csrfToken', '');
  app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    const request = this.request;
    const html = views.render(template, { ...pageLocals(request), ...data });
    return this.type('text/html; charset=utf-8').send(html);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
  });
  await app.register(fastifyRateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    allowList: (request) => isAsset(request),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Linkwork API', version: VERSION, description: 'Social prescribing: referrals, casework, directory and reports.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token from `linkwork tokens create` or the API tokens page' } } },
      security: [{ bearer: [] }],
    },
    hideUntagged: false,
  });
  // Swagger UI's own CSP would allow https: fonts and styles; keep the app's stricter one instead.
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header,
    uiConfig: { validatorUrl: null },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(fastifyStatic, { root: [path.join(NHSUK_ASSETS, 'assets'), OWN_ASSETS], prefix: '/assets/', index: false });
  const sendAsset = (type: string, body: string | Buffer) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
  app.get('/assets/nhsuk-frontend.min.css', { schema: { hide: true } }, sendAsset('text/css; charset=utf-8', nhsukCss));
  app.get('/assets/nhsuk-frontend.min.js', { schema: { hide: true } }, sendAsset('text/javascript; charset=utf-8', nhsukJs));

  // Who is asking: a bearer token for the JSON API, a session cookie for pages. Never both, so a
  // browser's cookie can never be used to call the API from another site.
  app.addHook('onRequest', async (request, reply) => {
    if (isAsset(request)) return;
    if (isApi(request)) {
      const header = request.headers.authorization;
      if (header?.startsWith('Bearer ')) {
        request.ctx = await services.tokens.authenticate(header.slice(7).trim(), request.id);
        if (!request.ctx) throw new Unauthenticated('The API token is not valid, or has been revoked');
      }
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) {
      const live = await services.sessions.find(sessionId);
      if (live) {
        request.liveSession = live;
        request.ctx = {
          requestId: request.id,
          organisationId: live.organisationId,
          role: live.role,
          actor: { userId: live.userId, label: live.userId, platformAdmin: live.platformAdmin },
        };
      } else {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    let csrfKey = request.liveSession?.idHash;
    if (!csrfKey) {
      csrfKey = request.cookies[ANON_COOKIE];
      if (!csrfKey || !/^[A-Za-z0-9_-]{20,}$/.test(csrfKey)) {
        csrfKey = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
        reply.setCookie(ANON_COOKIE, csrfKey, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });
      }
    }
    request.csrfToken = hmac(config.sessionSecret, `csrf:${csrfKey}`);
  });

  // Every form post carries the token from the page it came from (synchroniser token pattern).
  app.addHook('preHandler', async (request) => {
    if (isApi(request) || isAsset(request) || !unsafeMethod(request)) return;
    const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof sent !== 'string' || !safeEqual(sent, request.csrfToken)) {
      throw new Forbidden('This form has expired. Go back, refresh the page and try again.');
    }
  });

  app.setErrorHandler(async (error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (isApi(request)) {
      if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
      return reply.code(problem.status).type('application/problem+json').send(problem);
    }
    if (problem.status === 401) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`/sign-in${next}`, 303);
    }
    return reply.code(problem.status).page('platform/views/error.njk', { title: problem.title, problem });
  });

  app.setNotFoundHandler(async (request, reply) => {
    const problem = { type: 'about:blank', title: 'Page not found', status: 404, detail: `There is nothing at ${request.url.split('?')[0]}` };
    if (isApi(request)) return reply.code(404).type('application/problem+json').send(problem);
    return reply.code(404).page('platform/views/error.njk', { title: 'Page not found', problem });
  });

  app.get('/health', { schema: { hide: true } }, async () => {
    await services.db.kysely.selectFrom('organisation').select('id').limit(1).execute();
    return { status: 'ok', database: config.databaseKind, version: VERSION };
  });

  await options.routes(app, services);
  return app;
}
