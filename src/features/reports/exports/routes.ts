import type { App } from '../../../platform/http/app.js';
import type { Services } from '../../../services.js';
import { exportApiRoutes } from './api.js';
import { createExportService } from './service.js';
import { exportWebRoutes } from './web.js';

/** The exports page and API, over one export service built on the app's database. */
export async function exportRoutes(app: App, services: Services): Promise<void> {
  const exportsService = createExportService(services.db);
  await exportApiRoutes(app, exportsService);
  await exportWebRoutes(app, exportsService);
}
