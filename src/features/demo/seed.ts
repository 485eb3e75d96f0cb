import { fileURLToPath } from 'node:url';
import { systemContext, type Actor, type RequestContext } from '../../platform/context.js';
import type { OrganisationType, Role } from '../../platform/db/schema.js';
import type { Services } from '../../services.js';
import { importOruk } from '../directory/import/importer.js';

/** A small, made-up community directory around the demo service, in ORUK 3.0 form. */
const DEMO_DIRECTORY = fileURLToPath(new URL('./directory.json', import.meta.url));
/** Which demo provider keeps which demo directory entries up to date (by the entry's organisation name). */
const DEMO_PROVIDERS: Record<string, string> = {
  'Riverside Community Garden': 'riverside-community-garden',
  'Eastside Money Advice': 'eastside-money-advice',
  'Women’s Wellbeing Hub': 'womens-wellbeing-hub',
};

/** Printed on start so a newcomer can sign in; demo data only ever exists on a demo database. */
export const DEMO_PASSWORD = 'demo-linkwork-2026';

interface DemoOrganisation {
  slug: string;
  name: string;
  type: OrganisationType;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  { slug: 'riverside-pcn', name: 'Riverside PCN Social Prescribing', type: 'sp-service' },
  { slug: 'parkview-surgery', name: 'Parkview Surgery', type: 'gp-practice' },
  { slug: 'castle-street-medical', name: 'Castle Street Medical Centre', type: 'gp-practice' },
  { slug: 'riverside-community-garden', name: 'Riverside Community Garden', type: 'vcse' },
  { slug: 'eastside-money-advice', name: 'Eastside Money Advice', type: 'vcse' },
  { slug: 'womens-wellbeing-hub', name: 'Women’s Wellbeing Hub', type: 'vcse' },
  { slug: 'north-city-icb', name: 'North City Integrated Care Board', type: 'commissioner' },
];

export interface DemoLogin {
  email: string;
  name: string;
  roles: { organisation: string; role: Role }[];
  platformAdmin?: boolean;
}

export const DEMO_LOGINS: DemoLogin[] = [
  {
    email: 'admin@linkwork.example',
    name: 'Alex Admin',
    platformAdmin: true,
    roles: [
      { organisation: 'riverside-pcn', role: 'admin' },
      { organisation: 'north-city-icb', role: 'admin' },
    ],
  },
  { email: 'teamlead@linkwork.example', name: 'Priya Shah', roles: [{ organisation: 'riverside-pcn', role: 'team-lead' }] },
  { email: 'linkworker@linkwork.example', name: 'Jo Okafor', roles: [{ organisation: 'riverside-pcn', role: 'link-worker' }] },
  { email: 'referrer@linkwork.example', name: 'Dr Sam Patel', roles: [{ organisation: 'parkview-surgery', role: 'referrer' }] },
  { email: 'nurse@linkwork.example', name: 'Chris Evans', roles: [{ organisation: 'castle-street-medical', role: 'referrer' }] },
  { email: 'provider@linkwork.example', name: 'Morgan Lee', roles: [{ organisation: 'riverside-community-garden', role: 'provider' }] },
  { email: 'money@linkwork.example', name: 'Taylor Brown', roles: [{ organisation: 'eastside-money-advice', role: 'provider' }] },
  { email: 'hub@linkwork.example', name: 'Robin Green', roles: [{ organisation: 'womens-wellbeing-hub', role: 'provider' }] },
  { email: 'commissioner@linkwork.example', name: 'Jordan Hughes', roles: [{ organisation: 'north-city-icb', role: 'commissioner' }] },
];

const DEMO_ACTOR: Actor = { userId: null, label: 'demo-seed', platformAdmin: true };

export async function hasAnyOrganisation(services: Services): Promise<boolean> {
  const row = await services.db.kysely.selectFrom('organisation').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Creates the demo service through the same services the app uses, so demo data obeys every rule. */
export async function seedDemo(services: Services): Promise<DemoLogin[]> {
  const ids = new Map<string, string>();
  const userIds = new Map<string, string>();
  for (const organisation of DEMO_ORGANISATIONS) {
    const created = await services.organisations.add(DEMO_ACTOR, null, organisation);
    ids.set(organisation.slug, created.id);
  }
  for (const login of DEMO_LOGINS) {
    let userId: string | null = null;
    for (const [index, { organisation, role }] of login.roles.entries()) {
      const ctx = systemContext(ids.get(organisation)!, DEMO_ACTOR.label);
      const added = await services.users.add(
        ctx,
        { email: login.email, name: login.name, role, password: index === 0 ? DEMO_PASSWORD : undefined },
        { allowExistingAccount: index > 0 },
      );
      userId = added.userId;
      userIds.set(login.email, userId);
      if (login.platformAdmin && index === 0) await services.users.setPlatformAdmin(ctx, userId, true);
    }
  }
  await seedDemoDirectory(services, ids);
  await seedDemoCase(services, ids, userIds);
  return DEMO_LOGINS;
}

/**
 * One open case for the demo link worker, made the way a real one is: the demo GP refers, the team
 * lead accepts and allocates. Aisha (a composite from the product brief) lives near the demo
 * directory's services, so the case's Offers page has something to suggest.
 */
async function seedDemoCase(services: Services, ids: Map<string, string>, userIds: Map<string, string>): Promise<void> {
  const as = (email: string, organisation: string, role: Role): RequestContext => {
    const userId = userIds.get(email)!;
    return { requestId: null, organisationId: ids.get(organisation)!, role, actor: { userId, label: userId, platformAdmin: false } };
  };
  const { receipt } = await services.referrals.refer(as('referrer@linkwork.example', 'parkview-surgery', 'referrer'), {
    toOrganisation: 'riverside-pcn',
    person: {
      givenName: 'Aisha',
      familyName: 'Rahman',
      dateOfBirth: '1997-06-02',
      postcode: 'BS5 6XX',
      email: 'aisha.rahman@example.com',
      safeToLeaveMessage: false,
      preferredContact: 'email',
    },
    reason: 'Left an abusive partner; in temporary accommodation with two children. Anxious and isolated, behind on rent.',
    needs: ['social-isolation', 'mental-wellbeing'],
    multipleDisadvantage: ['domestic-abuse'],
    consent: { given: true },
    urgency: 'routine',
  });
  const teamLead = as('teamlead@linkwork.example', 'riverside-pcn', 'team-lead');
  await services.referrals.act(teamLead, receipt.id, 'accept');
  await services.referrals.act(teamLead, receipt.id, 'allocate', { linkWorker: 'linkworker@linkwork.example' });
}

/** The directory goes in through the real importer; the providers' links are Linkwork's own, not ORUK's. */
async function seedDemoDirectory(services: Services, ids: Map<string, string>): Promise<void> {
  const curator = ids.get('riverside-pcn')!;
  await importOruk(services.db, systemContext(curator, DEMO_ACTOR.label), { paths: [DEMO_DIRECTORY] });
  await services.db.inScope({ organisationId: curator, userId: null }, async (tx) => {
    for (const [organisationName, provider] of Object.entries(DEMO_PROVIDERS)) {
      await tx
        .updateTable('directoryService')
        .set({ providerOrganisationId: ids.get(provider)! })
        .where('organisationId', '=', curator)
        .where('directoryOrganizationId', 'in', (eb) =>
          eb.selectFrom('directoryOrganization').select('id').where('organisationId', '=', curator).where('name', '=', organisationName),
        )
        .execute();
    }
  });
}
