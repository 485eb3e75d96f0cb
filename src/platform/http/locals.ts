import type { FastifyRequest } from 'fastify';
import { ROLE_LABELS } from '../../features/users/service.js';

interface NavItem {
  href: string;
  text: string;
}

function navigationFor(request: FastifyRequest): NavItem[] {
  const session = request.liveSession;
  if (!session) return [];
  const items: NavItem[] = [{ href: '/', text: 'Home' }];
  if (session.role === 'referrer') items.push({ href: '/sent-referrals', text: 'Sent referrals' });
  if (session.role === 'team-lead') items.push({ href: '/referrals/triage', text: 'Triage' });
  if (session.role === 'team-lead' || session.role === 'link-worker') items.push({ href: '/referrals', text: 'Referrals' });
  if (session.role === 'team-lead' || session.role === 'link-worker') items.push({ href: '/cases', text: 'My caseload' });
  if (session.role === 'team-lead') items.push({ href: '/team', text: 'Team' });
  if (session.role === 'admin' || session.role === 'team-lead') items.push({ href: '/admin/users', text: 'Users' });
  if (session.role === 'admin') items.push({ href: '/admin/audit', text: 'Audit trail' });
  if (session.role === 'link-worker' || session.role === 'team-lead') items.push({ href: '/directory', text: 'Community directory' });
  if (session.role === 'admin' || session.role === 'team-lead') items.push({ href: '/directory/curation', text: 'Directory curation' });
  if (session.role === 'provider') items.push({ href: '/provider/services', text: 'Your services' });
  if (session.role === 'admin') items.push({ href: '/admin/outbox', text: 'Outbox' });
  if (session.role === 'admin') items.push({ href: '/admin/measures', text: 'Outcome measures' });
  if (session.role === 'admin' || session.role === 'team-lead') items.push({ href: '/admin/programme-settings', text: 'Programme settings' });
  if (session.platformAdmin) items.push({ href: '/admin/organisations', text: 'Organisations' });
  if (session.platformAdmin) items.push({ href: '/admin/needs', text: 'Needs' });
  items.push({ href: '/account/tokens', text: 'API tokens' });
  return items;
}

/** What every page's layout needs: who is signed in, where, and the form token. */
export function pageLocals(request: FastifyRequest): Record<string, unknown> {
  const session = request.liveSession;
  const path = request.url.split('?')[0];
  return {
    csrfToken: request.csrfToken,
    currentPath: path,
    currentUser: session ? { id: session.userId, name: session.userName } : null,
    currentOrganisation: session ? { id: session.organisationId, name: session.organisationName } : null,
    currentRole: session?.role,
    currentRoleLabel: session ? ROLE_LABELS[session.role] : null,
    canSwitchOrganisation: (session?.membershipCount ?? 0) > 1,
    navigation: navigationFor(request).map((item) => ({ ...item, current: item.href === path })),
  };
}
