import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../platform/db/database.js';
import { createServices } from '../services.js';
import { linkwork } from '../../test/support/cli.js';

/**
 * The CLI as people run it: `node bin/linkwork.js ...` in a child process on an embedded database.
 * Each start of PGlite costs seconds, so the tests share one data directory and run in order, each
 * building on what the one before made. Against PostgreSQL the CLI is exercised by .ci/run instead.
 */
const SLOW = 180_000;
const PASSWORD = 'a-long-and-unguessable-passphrase';

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

describe.skipIf(process.env.LINKWORK_TEST_BACKEND === 'postgresql')('linkwork CLI', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkwork-cli-'));
  const run = (args: string[], input?: string) => linkwork(dataDir, args, input);
  const made: { token?: string; tokenId?: string; invitePath?: string } = {};

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('explains itself without opening a database', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'seed', 'orgs', 'users', 'tokens', 'audit']) expect(help.stdout).toContain(command);
    const usersAdd = await run(['users', 'add', '--help']);
    expect(usersAdd.code).toBe(0);
    expect(usersAdd.stdout).toContain('--password-stdin');

    const noDemo = await run(['seed']);
    expect(noDemo.code).toBe(1);
    expect(noDemo.stderr).toContain('linkwork: seed: ');
  }, SLOW);

  it('migrate applies the migrations once, then says the database is up to date', async () => {
    const first = await run(['migrate']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migrations?:\n {2}0001_foundation\n/);

    const second = await run(['migrate']);
    expect(second).toEqual({ code: 0, stdout: 'Database is up to date\n', stderr: '' });
  }, SLOW);

  it('orgs add adds an organisation, and refuses a duplicate short name or an unknown type', async () => {
    const added = await run(['orgs', 'add', '--slug', 'harbour-pcn', '--name', 'Harbour PCN', '--type', 'sp-service']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added Harbour PCN (harbour-pcn)');

    const duplicate = await run(['orgs', 'add', '--slug', 'harbour-pcn', '--name', 'Another', '--type', 'vcse']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stdout).toBe('');
    expect(duplicate.stderr).toBe('linkwork: slug: An organisation with the short name "harbour-pcn" already exists\n');

    const badType = await run(['orgs', 'add', '--slug', 'somewhere', '--name', 'Somewhere', '--type', 'hospital']);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toMatch(/^linkwork: option '--type <type>' argument 'hospital' is invalid\. Allowed choices are gp-practice, /);
    expect(badType.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const second = await run(['orgs', 'add', '--slug', 'quay-garden', '--name', 'Quay Garden', '--type', 'vcse']);
    expect(second.code).toBe(0);
  }, SLOW);

  it('users add creates accounts, and refuses an unknown organisation, a duplicate email or a weak password', async () => {
    const ann = await run(
      ['users', 'add', '--email', 'Ann@Example.org', '--name', 'Ann Admin', '--org', 'harbour-pcn', '--role', 'admin', '--password-stdin', '--platform-admin'],
      `${PASSWORD}\n`,
    );
    expect(ann.stderr).toBe('');
    expect(ann.code).toBe(0);
    expect(ann.stdout).toContain('Added Ann Admin <ann@example.org> to Harbour PCN (harbour-pcn) as admin');
    expect(ann.stdout).toContain('platform administrator');

    const unknownOrg = await run(['users', 'add', '--email', 'bob@example.org', '--name', 'Bob', '--org', 'nowhere', '--role', 'referrer']);
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.stderr).toBe('linkwork: org: There is no organisation with the short name "nowhere"\n');

    const duplicate = await run(['users', 'add', '--email', 'ann@example.org', '--name', 'Ann Again', '--org', 'quay-garden', '--role', 'provider']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toBe('linkwork: email: A user with the email ann@example.org already exists\n');

    const weak = await run(['users', 'add', '--email', 'bob@example.org', '--name', 'Bob', '--org', 'harbour-pcn', '--role', 'link-worker', '--password', 'short']);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toBe('linkwork: password: Password must be at least 12 characters long\n');

    const invited = await run(['users', 'add', '--email', 'bob@example.org', '--name', 'Bob Worker', '--org', 'harbour-pcn', '--role', 'link-worker']);
    expect(invited.code).toBe(0);
    expect(invited.stdout).toContain("server's web address");
    made.invitePath = lastLine(invited.stdout);
    expect(made.invitePath).toMatch(/^\/invite\/\S+$/);
  }, SLOW);

  it('tokens create prints the token as its last line, and asks which organisation when there are several', async () => {
    const created = await run(['tokens', 'create', '--email', 'ann@example.org', '--name', 'Test integration']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    made.token = lastLine(created.stdout);
    expect(made.token).toMatch(/^lw_\S+$/);
    made.tokenId = /\(id ([0-9a-f-]{36})\)/.exec(created.stdout)?.[1];
    expect(made.tokenId).toBeDefined();

    const granted = await run(['users', 'grant', '--email', 'ann@example.org', '--org', 'quay-garden', '--role', 'provider']);
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain('Gave Ann Admin <ann@example.org> the role provider at Quay Garden (quay-garden)');

    const ambiguous = await run(['tokens', 'create', '--email', 'ann@example.org']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toContain('choose one with --org (harbour-pcn, quay-garden)');
  }, SLOW);

  it('audit export writes NDJSON, oldest first, and refuses a date it cannot read', async () => {
    const badDate = await run(['audit', 'export', '--since', '2026-02-30']);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/^linkwork: since: Enter a date in the format YYYY-MM-DD/);

    const exported = await run(['audit', 'export', '--since', '2000-01-01']);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const events = exported.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const actions = events.map((e) => `${e.organisationSlug as string} ${e.action as string}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'harbour-pcn organisation.added',
        'quay-garden organisation.added',
        'harbour-pcn user.added',
        'harbour-pcn token.created',
        'quay-garden user.role-granted',
      ]),
    );
    expect(events.every((e) => e.actorLabel === 'cli')).toBe(true);
    const harbourIds = events.filter((e) => e.organisationSlug === 'harbour-pcn').map((e) => Number(e.id));
    expect(harbourIds).toEqual([...harbourIds].sort((a, b) => a - b));
    expect(actions.indexOf('harbour-pcn organisation.added')).toBeLessThan(actions.indexOf('harbour-pcn user.added'));
  }, SLOW);

  it('left a database the server can use: the password, the invitation and the token work', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const services = createServices(db, { sessionSecret: 'x'.repeat(40), sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
      const ctx = await services.tokens.authenticate(made.token!, null);
      expect(ctx?.role).toBe('admin');
      expect(ctx?.actor.platformAdmin).toBe(true);
      const harbour = await services.organisations.bySlug('harbour-pcn');
      expect(ctx?.organisationId).toBe(harbour.id);

      const signedIn = await services.auth.signIn('ann@example.org', PASSWORD, null);
      expect(signedIn.organisationId).toBeDefined();
      expect(await services.auth.inviteIsValid(made.invitePath!.replace('/invite/', ''))).toEqual({ email: 'bob@example.org', name: 'Bob Worker' });
    } finally {
      await db.close();
    }

    const revoked = await run(['tokens', 'revoke', '--email', 'ann@example.org', '--org', 'harbour-pcn', '--id', made.tokenId!]);
    expect(revoked.stderr).toBe('');
    expect(revoked.code).toBe(0);
    const reopened = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const services = createServices(reopened, { sessionSecret: 'x'.repeat(40), sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
      expect(await services.tokens.authenticate(made.token!, null)).toBeNull();
    } finally {
      await reopened.close();
    }
  }, SLOW);
});
