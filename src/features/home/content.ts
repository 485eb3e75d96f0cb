import type { Role } from '../../platform/db/schema.js';

export interface HomeItem {
  heading: string;
  description: string;
  href?: string;
}

/** What each role does in Linkwork: what works today, and what later work will add. */
export function homeFor(role: Role, platformAdmin: boolean): { heading: string; ready: HomeItem[]; coming: HomeItem[] } {
  const ready: HomeItem[] = [];
  const coming: HomeItem[] = [];
  if (role === 'admin') {
    ready.push(
      { heading: 'Users', description: 'Add people, invite them, change roles and deactivate accounts.', href: '/admin/users' },
      { heading: 'Audit trail', description: 'Who did what, and when, in your organisation.', href: '/admin/audit' },
    );
    ready.push({ heading: 'Programme settings', description: 'Session caps (and the multiple-disadvantage exemption), caseload weights and first-contact targets.', href: '/admin/programme-settings' });
  }
  if (platformAdmin) {
    ready.push({ heading: 'Organisations', description: 'Add GP practices, social prescribing services, providers and commissioners.', href: '/admin/organisations' });
  }
  switch (role) {
    case 'referrer':
      ready.push(
        { heading: 'Make a referral', description: 'Refer someone to social prescribing in under a minute.', href: '/sent-referrals/new' },
        { heading: 'Sent referrals', description: 'See a simple status for each person your organisation referred.', href: '/sent-referrals' },
      );
      break;
    case 'link-worker':
      ready.push({ heading: 'Referrals', description: 'The service’s referrals, and the ones allocated to you.', href: '/referrals' });
      ready.push({ heading: 'Community directory', description: 'Find local activities and support by need, distance and what works for the person.', href: '/directory' });
      ready.push({ heading: 'My caseload', description: 'The people you support, with next steps and due dates, overdue first contacts first.', href: '/cases' });
      break;
    case 'team-lead':
      ready.push(
        { heading: 'Triage', description: 'New referrals, urgent first: accept, allocate, decline or pass on.', href: '/referrals/triage' },
        { heading: 'Referrals', description: 'Every referral to the service, with filters.', href: '/referrals' },
        { heading: 'Team', description: 'See the people in your team and their roles.', href: '/admin/users' },
      );
      ready.push({ heading: 'Community directory', description: 'Find local activities and support by need, distance and what works for the person.', href: '/directory' });
      ready.push(
        { heading: 'Team caseloads', description: 'Weighted caseloads against capacity, the waiting list, and allocation.', href: '/team' },
        { heading: 'My caseload', description: 'The cases allocated to you, and every case in the service.', href: '/cases' },
        { heading: 'Programme settings', description: 'Session caps, caseload weights and first-contact targets.', href: '/admin/programme-settings' },
      );
      break;
    case 'provider':
      ready.push({ heading: 'Your services', description: 'Keep your directory entries up to date, or confirm they are still correct.', href: '/provider/services' });
      ready.push({ heading: 'Introductions', description: 'People a link worker has introduced to you: accept them and record attendance.', href: '/introductions' });
      break;
    case 'commissioner':
      break;
    case 'admin':
      break;
  }
  if (role === 'commissioner' || role === 'admin' || role === 'team-lead') {
    ready.push({ heading: 'Reports', description: 'Referrals, flow from referral to support, and more: numbers only, never a person, with CSV downloads.', href: '/reports' });
  }
  if (role === 'admin' || role === 'team-lead') ready.push({ heading: 'Directory curation', description: 'Approve providers’ changes to directory entries and see which may be out of date.', href: '/directory/curation' });
  if (role === 'admin' || role === 'team-lead' || role === 'commissioner') ready.push({ heading: 'Exports', description: 'The quarterly return and, for services, SNOMED CT coded referral events for GP practices.', href: '/reports/exports' });
  ready.push({ heading: 'API tokens', description: 'Connect other systems to Linkwork’s API.', href: '/account/tokens' });
  return { heading: 'Linkwork', ready, coming };
}
