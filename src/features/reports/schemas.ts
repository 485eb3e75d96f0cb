import { Type } from '@fastify/type-provider-typebox';
import { DASHBOARDS } from './model.js';

const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()], {
  description: 'A number; null where it is suppressed (a count from 1 to 4, or a statistic on fewer than 5 people: "fewer than 5"); or words',
});
const Kind = Type.Enum(['text', 'count', 'percent', 'days', 'number']);

export const DashboardParams = Type.Object({
  dashboard: Type.String({ maxLength: 40, description: `One of: ${DASHBOARDS.join(', ')} (those your role may see)` }),
});

export const DashboardQuery = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 10, description: 'First day of the period, YYYY-MM-DD (default: a year before `to`)' })),
  to: Type.Optional(Type.String({ maxLength: 10, description: 'Last day of the period, YYYY-MM-DD, inclusive (default: today)' })),
  service: Type.Optional(Type.String({ maxLength: 36, description: 'One social prescribing service (organisation id) in your scope' })),
  practice: Type.Optional(Type.String({ maxLength: 36, description: 'One referring GP practice (organisation id)' })),
  cohort: Type.Optional(Type.String({ maxLength: 10, description: 'all (default), md (multiple disadvantage) or other' })),
  format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: every figure’s table in one sheet (a figure column first), as an attachment' })),
  figure: Type.Optional(Type.String({ maxLength: 60, description: 'With format=csv: only this figure’s table' })),
});

export const DashboardSchema = Type.Object({
  name: Type.Enum(DASHBOARDS),
  title: Type.String(),
  description: Type.String(),
  filters: Type.Object({
    from: Type.String(),
    to: Type.String(),
    serviceId: Type.Union([Type.String(), Type.Null()]),
    practiceId: Type.Union([Type.String(), Type.Null()]),
    cohort: Type.Enum(['all', 'md', 'other']),
  }),
  headlines: Type.Array(Type.Object({ label: Type.String(), value: Cell, kind: Kind, detail: Type.Optional(Type.String()) })),
  figures: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      summary: Type.String(),
      chart: Type.Optional(Type.Object({ type: Type.Enum(['bar', 'line']), category: Type.String(), series: Type.Array(Type.String()) })),
      table: Type.Object({
        columns: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), kind: Kind })),
        rows: Type.Array(Type.Record(Type.String(), Cell)),
      }),
    }),
  ),
});
