import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../../../platform/http/app.js';
import { requireContext } from '../../../platform/http/request.js';
import { problemResponses } from '../../../platform/http/schemas.js';
import { RETURN_GROUPS, returnCsv } from './return.js';
import { snomedCsv } from './snomed.js';
import type { ExportService } from './service.js';

const tags = ['exports'];
const Uuid = Type.String({ format: 'uuid' });
const Day = Type.String({ description: 'YYYY-MM-DD' });
const Format = (fallback: 'json' | 'csv') => Type.Optional(Type.Enum(['json', 'csv'], { description: `Default ${fallback}` }));

export const QuarterlyReturnQuery = Type.Object(
  {
    quarter: Type.Optional(Type.String({ maxLength: 20, description: 'Financial quarter, e.g. 2025-Q4 = January to March 2026 (Q1 is April to June). Default: the last quarter that has ended; the quarter in progress may be chosen (counts so far).' })),
    service: Type.Optional(Type.String({ maxLength: 40, description: 'One social prescribing service (organisation id) in your scope; default all of them' })),
    format: Format('json'),
  },
  { additionalProperties: false },
);

const ReturnRowSchema = Type.Object({
  serviceId: Uuid,
  service: Type.String(),
  group: Type.Enum(RETURN_GROUPS),
  measureCode: Type.String({ description: 'e.g. age-band, need, contact-type, measure-records:ons4, paired-change:ons4:anxious' }),
  measure: Type.String(),
  categoryCode: Type.String(),
  category: Type.String(),
  count: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Null where suppressed: 1 to 4, for commissioners ("fewer than 5")' }),
});

export const QuarterlyReturnSchema = Type.Object({
  quarter: Type.Object({ id: Type.String(), from: Day, to: Day, label: Type.String() }),
  inProgress: Type.Boolean({ description: 'The quarter has not ended yet: its counts are so far and will change' }),
  services: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  suppressed: Type.Boolean({ description: 'True when counts of 1 to 4 are suppressed (commissioners)' }),
  items: Type.Array(ReturnRowSchema),
});

export const SnomedEventsQuery = Type.Object(
  {
    practice: Type.Optional(Type.String({ maxLength: 40, description: 'A GP practice (organisation id) that has referred people to your service' })),
    from: Type.Optional(Type.String({ maxLength: 10, description: 'First day, YYYY-MM-DD (default: a year ago)' })),
    to: Type.Optional(Type.String({ maxLength: 10, description: 'Last day, YYYY-MM-DD, inclusive (default: today)' })),
    format: Format('csv'),
  },
  { additionalProperties: false },
);

export const SnomedEventsSchema = Type.Object({
  practice: Type.Object({ id: Uuid, name: Type.String() }),
  from: Day,
  to: Day,
  leftOutWithoutNhsNumber: Type.Integer({ description: 'Coded events of people with no NHS number, left out because a GP system cannot match them' }),
  items: Type.Array(
    Type.Object({
      nhsNumber: Type.String({ description: '10 digits, no spaces' }),
      dateOfBirth: Day,
      eventDate: Day,
      snomedCode: Type.String(),
      snomedTerm: Type.String(),
      referralReference: Type.String(),
    }),
  ),
});

/** The header carrying the left-out count with the CSV, which has no room for it. */
export const LEFT_OUT_HEADER = 'linkwork-left-out-without-nhs-number';

/** A quarter in progress says so in its file name, so it is not mistaken for the final return. */
export function returnFilename(result: { quarter: { id: string }; inProgress: boolean }): string {
  return `quarterly-return-${result.quarter.id}${result.inProgress ? '-so-far' : ''}.csv`;
}

export function attachment(filename: string): string {
  return `attachment; filename="${filename}"`;
}

export async function exportApiRoutes(app: App, exportsService: ExportService): Promise<void> {
  app.get(
    '/api/v1/exports/quarterly-return',
    {
      schema: {
        tags,
        summary: 'The quarterly return: counts in the four minimum data groups (demographics, needs, support offered, outcomes)',
        description:
          'One row per service, measure and category; counts of referrals, contacts, offers, case closures and measure records, never a person. ' +
          'Commissioners get the services they commission, with counts of 1 to 4 suppressed; a service’s administrators and team leads get their own. ' +
          '`format=csv` answers text/csv (a suppressed count reads "fewer than 5").',
        querystring: QuarterlyReturnQuery,
        response: { 200: { description: 'The return, as JSON or (format=csv) CSV', content: { 'application/json': { schema: QuarterlyReturnSchema }, 'text/csv': { schema: Type.String() } } }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const result = await exportsService.quarterlyReturn(requireContext(request), request.query);
      if (request.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(returnFilename(result))).send(returnCsv(result.quarter, result.rows));
      }
      return { quarter: result.quarter, inProgress: result.inProgress, services: result.services, suppressed: result.suppressed, items: result.rows };
    },
  );

  app.get(
    '/api/v1/exports/snomed-events',
    {
      schema: {
        tags,
        summary: 'SNOMED CT coded referral events for one GP practice, to record in its GP system (administrators and team leads; audited)',
        description:
          'One row per accepted (871731000000106) or declined (871711000000103) referral of someone the practice referred, in the period: NHS number, date of birth, event date, code, term and referral reference. ' +
          `People with no NHS number cannot be matched by a GP system and are left out; the CSV's \`${LEFT_OUT_HEADER}\` header and the JSON's \`leftOutWithoutNhsNumber\` say how many. ` +
          'Answers text/csv unless `format=json`.',
        querystring: SnomedEventsQuery,
        response: { 200: { description: 'The extract, as CSV or (format=json) JSON', content: { 'text/csv': { schema: Type.String() }, 'application/json': { schema: SnomedEventsSchema } } }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const extract = await exportsService.snomedEvents(requireContext(request), request.query);
      if (request.query.format === 'json') {
        return { practice: extract.practice, from: extract.from, to: extract.to, leftOutWithoutNhsNumber: extract.leftOutWithoutNhsNumber, items: extract.rows };
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(`snomed-events-${extract.from}-to-${extract.to}.csv`))
        .header(LEFT_OUT_HEADER, String(extract.leftOutWithoutNhsNumber))
        .send(snomedCsv(extract.rows));
    },
  );
}
