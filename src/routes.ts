import { authRoutes } from './features/auth/routes.js';
import { homeRoutes } from './features/home/routes.js';
import type { App } from './platform/http/app.js';
import type { Services } from './services.js';

export async function registerRoutes(app: App, services: Services): Promise<void> {
  await authRoutes(app, services);
  await homeRoutes(app, services);
}
