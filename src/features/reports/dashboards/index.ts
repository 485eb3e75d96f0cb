import type { DashboardDefinition } from '../model.js';
import { equityDashboard } from './equity.js';
import { flowDashboard } from './flow.js';
import { gapsDashboard } from './gaps.js';
import { offersDashboard } from './offers.js';
import { outcomesDashboard } from './outcomes.js';
import { referralsDashboard } from './referrals.js';
import { teamDashboard } from './team.js';

/**
 * Every dashboard Linkwork serves, in the order the reports page lists them. Pages and the API
 * serve only these: a name in DASHBOARDS without a definition here is not found.
 */
export const DASHBOARD_DEFINITIONS: readonly DashboardDefinition[] = [
  referralsDashboard,
  flowDashboard,
  offersDashboard,
  outcomesDashboard,
  equityDashboard,
  gapsDashboard,
  teamDashboard,
];
