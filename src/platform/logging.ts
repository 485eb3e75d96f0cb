import type { FastifyServerOptions } from 'fastify';

/**
 * Logs carry ids, never people: no names, NHS numbers, note text, credentials or query strings
 * (search terms can be names). Paths that hold one-time secrets are masked.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.email',
  '*.name',
  '*.givenName',
  '*.familyName',
  '*.preferredName',
  '*.dateOfBirth',
  '*.nhsNumber',
  '*.phone',
  '*.postcode',
  '*.address',
  '*.note',
  '*.notes',
  '*.reason',
];

export function safeUrl(url: string): string {
  const pathOnly = url.split('?')[0] ?? '';
  return pathOnly.replace(/\/(invite)\/[^/]+/g, '/$1/[redacted]');
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: safeUrl(req.url), id: req.id }),
    },
  };
}
