import { randomBytes } from 'node:crypto';
import { createServices, type Services } from '../../src/services.js';
import { systemContext, type RequestContext } from '../../src/platform/context.js';
import type { Organisation, OrganisationType, Role } from '../../src/platform/db/schema.js';
import { testDatabase } from './db.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hmac-0123456789';
export const TEST_PASSWORD = 'correct-horse-battery-staple';

const settings = { sessionSecret: TEST_SECRET, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 };

let services: Promise<Services> | undefined;

export function testServices(): Promise<Services> {
  services ??= testDatabase().then((db) => createServices(db, settings));
  return services;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export async function buildOrganisation(overrides: Partial<{ slug: string; name: string; type: OrganisationType }> = {}): Promise<Organisation> {
  const s = await testServices();
  const slug = overrides.slug ?? unique('org');
  return s.organisations.add({ userId: null, label: 'test', platformAdmin: true }, null, {
    slug,
    name: overrides.name ?? `Organisation ${slug}`,
    type: overrides.type ?? 'sp-service',
  });
}

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  organisation: Organisation;
  role: Role;
  ctx: RequestContext;
}

export async function buildUser(organisation: Organisation, role: Role = 'admin', overrides: Partial<{ email: string; name: string; password: string }> = {}): Promise<TestUser> {
  const s = await testServices();
  const email = overrides.email ?? `${unique('user')}@example.org`;
  const password = overrides.password ?? TEST_PASSWORD;
  const added = await s.users.add(systemContext(organisation.id, 'test'), { email, name: overrides.name ?? 'Test User', role, password }, { allowExistingAccount: true });
  return {
    userId: added.userId,
    email,
    password,
    organisation,
    role,
    ctx: { requestId: null, organisationId: organisation.id, role, actor: { userId: added.userId, label: added.userId, platformAdmin: false } },
  };
}
