import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const require = createRequire(import.meta.url);
const NHSUK_DIST = path.resolve(path.dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
const SRC = fileURLToPath(new URL('../../', import.meta.url));

export const NHSUK_ASSETS = path.join(NHSUK_DIST, 'nhsuk');

/**
 * Templates are found by path from `src/`: `platform/views/layout.njk`, `features/users/views/list.njk`;
 * NHS.UK macros as `nhsuk/components/<name>/macro.njk`. Autoescape is on: every value is escaped
 * unless a template says otherwise.
 */
// Made once: a formatter costs about a millisecond to make, and a caseload shows dates on every row.
const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

export function createViewEnvironment(options: { watch?: boolean } = {}): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([SRC, NHSUK_DIST], { watch: options.watch ?? false, noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  // Nunjucks' own trim is a regex (/^\s*|\s*$/g) that rescans every run of whitespace to the end of
  // the string: on the large blocks NHS.UK macros trim it was most of a case page's render. The same
  // result (JavaScript's \s is what String.prototype.trim strips), in one pass, keeping safe strings safe.
  env.addFilter('trim', (value: unknown) => {
    const trimmed = String(value).trim();
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  env.addFilter('date', (value: Date | string | null | undefined) => (value ? DATE.format(new Date(value)) : ''));
  env.addFilter('dateTime', (value: Date | string | null | undefined) => (value ? DATE_TIME.format(new Date(value)) : ''));
  // Turns the service layer's field errors into what NHS.UK macros expect.
  env.addFilter('errorFor', (errors: { field: string; message: string }[] | undefined, field: string) => {
    const found = errors?.find((e) => e.field === field);
    return found ? { text: found.message } : undefined;
  });
  env.addFilter('errorSummaryList', (errors: { field: string; message: string }[] | undefined) =>
    (errors ?? []).map((e) => ({ text: e.message, href: `#${e.field}` })),
  );
  return env;
}
