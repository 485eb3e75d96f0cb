import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS, safeUrl } from './logging.js';

describe('logging never carries personal data', () => {
  it('redacts names, NHS numbers, notes and credentials wherever they appear one level down', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info({ person: { givenName: 'Margaret', familyName: 'Jones', nhsNumber: '9990000018', note: 'fell in March' }, user: { email: 'a@b.org', password: 'secret-phrase' } }, 'x');
    const text = lines.join('');
    for (const secret of ['Margaret', 'Jones', '9990000018', 'fell in March', 'a@b.org', 'secret-phrase']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('drops query strings and masks invitation tokens in logged URLs', () => {
    expect(safeUrl('/admin/audit?actor=jo@example.org')).toBe('/admin/audit');
    expect(safeUrl('/invite/abcDEF123_-')).toBe('/invite/[redacted]');
  });
});
