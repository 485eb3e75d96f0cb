import type { DashboardDefinition } from '../model.js';
import { flowDashboard } from './flow.js';
import { referralsDashboard } from './referrals.js';

/**
 * Every dashboard Linkwork serves, in the order the reports page lists them. Pages and the API
 * serve only these: a name in DASHBOARDS without a definition here is not found.
 */
export const DASHBOARD_DEFINITIONS: readonly DashboardDefinition[] = [
  referralsDashboard,
  flowDashboard,
  // The offers, outcomes, equity, gaps and team dashboards (dashboards/<name>.ts) are listed here.
];

