import { auditRoutes } from './features/audit/routes.js';
import { authRoutes } from './features/auth/routes.js';
import { caseApiRoutes } from './features/cases/api.js';
import { caseWebRoutes } from './features/cases/web.js';
import { directoryApiRoutes } from './features/directory/api.js';
import { orukRoutes } from './features/directory/oruk/routes.js';
import { directoryWebRoutes } from './features/directory/web.js';
import { directoryUpkeepRoutes } from './features/directory/upkeep/routes.js';
import { homeRoutes } from './features/home/routes.js';
import { needRoutes } from './features/needs/routes.js';
import { notificationRoutes } from './features/notifications/routes.js';
import { organisationRoutes } from './features/organisations/routes.js';
import { referrerRoutes } from './features/referrals/web-referrer.js';
import { referralServiceRoutes } from './features/referrals/web-service.js';
import { referralApiRoutes } from './features/referrals/api.js';
import { tokenRoutes } from './features/tokens/routes.js';
import { userRoutes } from './features/users/routes.js';
import type { App } from './platform/http/app.js';
import type { Services } from './services.js';

export async function registerRoutes(app: App, services: Services): Promise<void> {
  await authRoutes(app, services);
  await homeRoutes(app, services);
  await userRoutes(app, services);
  await organisationRoutes(app, services);
  await auditRoutes(app, services);
  await tokenRoutes(app, services);
  await referrerRoutes(app, services);
  await notificationRoutes(app, services);
  await needRoutes(app, services);
  await referralServiceRoutes(app, services);
  await referralApiRoutes(app, services);
  await caseApiRoutes(app, services);
  await caseWebRoutes(app, services);
  await orukRoutes(app, services);
  await directoryUpkeepRoutes(app, services);
  await directoryWebRoutes(app, services);
  await directoryApiRoutes(app, services);
}
