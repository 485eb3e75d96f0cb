import { fileURLToPath } from 'node:url';
import { systemContext, type Actor, type RequestContext } from '../../platform/context.js';
import type { OrganisationType, Role } from '../../platform/db/schema.js';
import type { Services } from '../../services.js';
import { addDays, londonDay, type ContactType } from '../cases/rules.js';
import { importOruk } from '../directory/import/importer.js';
import type { MultipleDisadvantage } from '../referrals/rules.js';
import type { ReferralRequest } from '../referrals/service.js';

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
      if (login.platformAdmin && index === 0) await services.users.setPlatformAdmin(ctx, userId, true);
    }
    userIds.set(login.email, userId!);
  }
  await seedDemoDirectory(services, ids);
  await seedDemoCases(services, ids, userIds);
  // The demo commissioner's reports cover the demo service (setting the same list again changes nothing).
  await services.organisations.setCommissioning(DEMO_ACTOR, null, ids.get('north-city-icb')!, [ids.get('riverside-pcn')!]);
  return DEMO_LOGINS;
}

function demoContext(organisationId: string, userId: string, role: Role): RequestContext {
  return { requestId: null, organisationId, role, actor: { userId, label: userId, platformAdmin: false } };
}

interface DemoCase {
  person: ReferralRequest['person'];
  reason: string;
  needs: string[];
  multipleDisadvantage: MultipleDisadvantage[];
  urgency: 'routine' | 'urgent';
  /** Allocated to the demo link worker, or left on the waiting list for the team lead. */
  allocate: boolean;
  /** Contacts as [days ago, type, note], and for the latest the next step and in how many days. */
  contacts: [number, ContactType, string, string?, number?][];
  goals?: string;
  strengths?: string;
  /** Outcome measures as [days ago, measure, timepoint, answers], recorded as a link worker would. */
  measures?: [number, string, 'baseline' | 'review', number[]][];
}

/**
 * Made-up people (from the product brief's composites) so casework has something to show: the demo
 * link worker's caseload, one multiple-disadvantage case with missed tries, and one person waiting
 * for the team lead to allocate. Dates are relative to the day the demo is created.
 */
const DEMO_CASES: DemoCase[] = [
  {
    person: { givenName: 'Dan', familyName: 'Walsh', dateOfBirth: '1988-05-01', noFixedAbode: true, preferredContact: 'via-someone-else', contactNotes: 'Through the Riverside hostel key worker, 0117 496 0000' },
    reason: 'Sleeping rough on and off for two years; wants to try the football group if someone goes with him the first time',
    needs: ['homelessness', 'physical-activity', 'drug-and-alcohol'],
    multipleDisadvantage: ['homelessness', 'substance-use', 'offending'],
    urgency: 'urgent',
    allocate: true,
    contacts: [
      [12, 'attempted', 'Not at the hostel at the agreed time'],
      [9, 'attempted', 'Key worker passed on a message'],
      [5, 'outreach', 'Met by the river with the outreach team; talked about football'],
      [2, 'face-to-face', 'Coffee at the hostel café; agreed to try the Saturday football together', 'Go with Dan to Saturday football', 3],
    ],
    goals: 'Play football again, with Jo there the first time\nGet somewhere of my own',
    strengths: 'Good at football\nLooks out for others at the hostel',
    measures: [
      [12, 'ndt', 'baseline', [3, 2, 2, 2, 2, 3, 3, 3, 3, 3]],
      [12, 'ons4', 'baseline', [3, 3, 4, 7]],
      [2, 'ndt', 'review', [2, 1, 2, 1, 1, 2, 2, 3, 2, 2]],
      [2, 'ons4', 'review', [5, 5, 5, 5]],
    ],
  },
  {
    person: { givenName: 'Margaret', familyName: 'Evans', dateOfBirth: '1945-03-14', postcode: 'BS5 6XX', phone: '07700900123', preferredContact: 'phone', safeToLeaveMessage: true, accessibilityNeeds: 'Hard of hearing: speak clearly, large print' },
    reason: 'Widowed last year and lonely; frequent attender',
    needs: ['social-isolation', 'bereavement'],
    multipleDisadvantage: [],
    urgency: 'routine',
    allocate: true,
    contacts: [
      [20, 'phone', 'First call: would like company at lunch'],
      [13, 'home-visit', 'Talked about the lunch club and the walking group'],
      [6, 'accompanied-visit', 'Went with her to the lunch club; she enjoyed it', 'Phone about the walking group taster', 5],
    ],
    goals: 'Have people to talk to during the week',
    strengths: 'Loves gardening\nHer neighbour drives',
    measures: [
      [20, 'ons4', 'baseline', [4, 5, 3, 6]],
      [6, 'ons4', 'review', [6, 6, 6, 4]],
    ],
  },
  {
    person: { givenName: 'Tom', familyName: 'Baker', dateOfBirth: '1974-09-02', nhsNumber: '9990000042', postcode: 'BS5 0HH', phone: '07700900456', preferredContact: 'phone', safeToLeaveMessage: true },
    reason: 'Long-term unemployed, type 2 diabetes, worried about debt; wants money advice first',
    needs: ['money-and-debt', 'employment'],
    multipleDisadvantage: [],
    urgency: 'routine',
    allocate: true,
    contacts: [],
  },
  {
    person: { givenName: 'Aisha', familyName: 'Rahman', dateOfBirth: '1997-06-02', nhsNumber: '9990000050', postcode: 'BS5 6XX', email: 'aisha.rahman@example.com', safeToLeaveMessage: false, preferredContact: 'email' },
    reason: 'Moved to the area after leaving an abusive partner; anxious and isolated, would like somewhere quiet to start',
    needs: ['social-isolation', 'mental-wellbeing'],
    multipleDisadvantage: ['domestic-abuse'],
    urgency: 'routine',
    allocate: true,
    contacts: [],
  },
  {
    person: { givenName: 'Leyla', familyName: 'Khan', dateOfBirth: '1997-01-20', nhsNumber: '9990000069', postcode: 'BS5 9QP', email: 'leyla.demo@example.org', preferredContact: 'email', safeToLeaveMessage: false },
    reason: 'Left an abusive partner; temporary accommodation with two children; anxious and behind on rent',
    needs: ['housing', 'mental-wellbeing', 'money-and-debt'],
    multipleDisadvantage: ['domestic-abuse'],
    urgency: 'routine',
    allocate: false,
    contacts: [],
  },
];

async function seedDemoCases(services: Services, ids: Map<string, string>, userIds: Map<string, string>): Promise<void> {
  const service = ids.get('riverside-pcn')!;
  const referrer = demoContext(ids.get('parkview-surgery')!, userIds.get('referrer@linkwork.example')!, 'referrer');
  const lead = demoContext(service, userIds.get('teamlead@linkwork.example')!, 'team-lead');
  const worker = demoContext(service, userIds.get('linkworker@linkwork.example')!, 'link-worker');
  const today = londonDay(new Date());
  for (const demo of DEMO_CASES) {
    const { receipt } = await services.referrals.refer(referrer, {
      toOrganisation: 'riverside-pcn',
      person: demo.person,
      reason: demo.reason,
      needs: demo.needs,
      multipleDisadvantage: demo.multipleDisadvantage,
      consent: { given: true },
      urgency: demo.urgency,
    });
    const accepted = await services.referrals.act(lead, receipt.id, 'accept');
    if (!demo.allocate) continue;
    await services.referrals.act(lead, receipt.id, 'allocate', { linkWorker: worker.actor.userId });
    for (const [daysAgo, type, note, nextStep, nextInDays] of demo.contacts) {
      const next = nextStep ? { nextStep, nextStepDate: addDays(today, nextInDays!) } : {};
      await services.cases.addContact(worker, accepted.caseId!, { contactDate: addDays(today, -daysAgo), type, note, ...next });
    }
    if (demo.goals || demo.strengths) {
      await services.cases.saveWhatMatters(worker, accepted.caseId!, { needs: demo.needs, goals: demo.goals, strengths: demo.strengths });
    }
    for (const [daysAgo, measure, timepoint, answers] of demo.measures ?? []) {
      await services.outcomes.record(worker, accepted.caseId!, { measure, timepoint, completedOn: addDays(today, -daysAgo), answers });
    }
  }
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
