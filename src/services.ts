import { createAuditService } from './features/audit/service.js';
import { createAuthService } from './features/auth/service.js';
import { createCaseService } from './features/cases/service.js';
import { createDirectorySearchService } from './features/directory/search/service.js';
import { createDirectoryUpkeepService } from './features/directory/upkeep/service.js';
import { createNeedService } from './features/needs/service.js';
import { createNotificationService } from './features/notifications/service.js';
import { createOfferService } from './features/offers/service.js';
import { createOrganisationService } from './features/organisations/service.js';
import { createOutcomeService } from './features/outcomes/service.js';
import { createReferralService } from './features/referrals/service.js';
import { createReportService } from './features/reports/service.js';
import { createTokenService } from './features/tokens/service.js';
import { createUserService } from './features/users/service.js';
import { createSessionStore } from './platform/auth/sessions.js';
import type { Config } from './platform/config.js';
import type { Database } from './platform/db/database.js';

/** Wired by hand: every service gets exactly what it uses, and tests can build the same graph. */
export function createServices(
  db: Database,
  config: Pick<Config, 'sessionSecret' | 'sessionIdleMinutes' | 'sessionAbsoluteHours'> & Partial<Pick<Config, 'notify'>>,
) {
  const sessions = createSessionStore(db, { idleMinutes: config.sessionIdleMinutes, absoluteHours: config.sessionAbsoluteHours });
  const users = createUserService(db);
  const directorySearch = createDirectorySearchService(db);
  const referrals = createReferralService(db);
  return {
    db,
    sessions,
    users,
    organisations: createOrganisationService(db),
    auth: createAuthService(db, sessions, users, config.sessionSecret),
    tokens: createTokenService(db),
    audit: createAuditService(db),
    referrals,
    cases: createCaseService(db, referrals),
    directorySearch,
    offers: createOfferService(db, directorySearch),
    directoryUpkeep: createDirectoryUpkeepService(db),
    needs: createNeedService(db),
    notifications: createNotificationService(db, { sendingConfigured: Boolean(config.notify) }),
    outcomes: createOutcomeService(db, { pseudonymSecret: config.sessionSecret }),
    reports: createReportService(db),
  };
}

export type Services = ReturnType<typeof createServices>;
