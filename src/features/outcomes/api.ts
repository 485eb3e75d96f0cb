import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import { problemResponses } from '../../platform/http/schemas.js';
import type { Services } from '../../services.js';
import {
  AnswersBody,
  CaseMeasuresSchema,
  CodeParams,
  CustomMeasureBody,
  GpAttendanceBody,
  IdParams,
  MeasureDefinitionSchema,
  MeasureRecordSchema,
  ProgrammeSettingsBody,
  ProgrammeSettingsSchema,
  RecordBody,
  ScoreResultSchema,
} from './schemas.js';

const tags = ['outcome measures'];

export async function outcomeApiRoutes(app: App, services: Services): Promise<void> {
  app.get(
    '/api/v1/measures',
    {
      schema: {
        tags,
        summary: 'Outcome measure definitions: built-in (ons4, swemwbs, ucla3, ndt, wemwbs) and your organisation’s own',
        response: { 200: Type.Object({ items: Type.Array(MeasureDefinitionSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await services.outcomes.listDefinitions(requireContext(request)) }),
  );

  app.post(
    '/api/v1/measures',
    {
      schema: {
        tags,
        summary: 'Add a measure defined as data (administrators), e.g. a licensed measure your service holds a licence for',
        description: 'Checked before it is saved; 400 names each problem. Scoring: per-item, sum, mean, or lookup (a table with one score per possible raw total).',
        body: CustomMeasureBody,
        response: { 201: MeasureDefinitionSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const definition = await services.outcomes.defineMeasure(requireContext(request), request.body);
      return reply.code(201).header('location', `/api/v1/measures`).send(definition);
    },
  );

  app.post(
    '/api/v1/measures/:code/score',
    {
      schema: {
        tags,
        summary: 'Score answers without storing them',
        description:
          'The same scoring the forms and stored records use. Returns each item’s score and band, the total or metric score where the measure has one, and the reported scores with their direction. ' +
          'A wrong number of answers, an answer off the scale (named as answers[i], counting from 0) or an unknown code is a 400.',
        params: CodeParams,
        body: AnswersBody,
        response: { 200: ScoreResultSchema, ...problemResponses },
      },
    },
    async (request) => services.outcomes.preview(requireContext(request), request.params.code, request.body.answers),
  );

  app.get(
    '/api/v1/cases/:id/measures',
    {
      schema: {
        tags,
        summary: 'A case’s measure records, oldest first, with what the programme asks for (the read is audited)',
        params: IdParams,
        response: { 200: CaseMeasuresSchema, ...problemResponses },
      },
    },
    async (request) => {
      const outcomes = await services.outcomes.listCaseRecords(requireContext(request), request.params.id);
      return {
        caseId: outcomes.caseId,
        multipleDisadvantage: outcomes.multipleDisadvantage,
        plan: outcomes.plan,
        items: outcomes.records,
        gpAttendance: outcomes.gpAttendanceCollected ? outcomes.gpAttendance : null,
      };
    },
  );

  app.post(
    '/api/v1/cases/:id/measures',
    {
      schema: {
        tags,
        summary: 'Record a measure on a case: answers (scored and kept), or that the person declined',
        description: 'completedOn is the day the person completed it, so answers on paper can be entered later. A declined record has no answers and no score.',
        params: IdParams,
        body: RecordBody,
        response: { 201: MeasureRecordSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const record = await services.outcomes.record(requireContext(request), request.params.id, request.body);
      return reply.code(201).header('location', `/api/v1/cases/${record.caseId}/measures`).send(record);
    },
  );

  app.put(
    '/api/v1/cases/:id/gp-attendance',
    {
      schema: {
        tags,
        summary: 'Set GP appointment counts for the 6 months before and after referral (where the programme collects them)',
        params: IdParams,
        body: GpAttendanceBody,
        response: { 200: Type.Object({ before: Type.Union([Type.Integer(), Type.Null()]), after: Type.Union([Type.Integer(), Type.Null()]) }), ...problemResponses },
      },
    },
    async (request) => services.outcomes.setGpAttendance(requireContext(request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/programmes/:id/outcome-settings',
    {
      schema: { tags, summary: 'A programme’s measures, when they are due, and its outcome options (administrators)', params: IdParams, response: { 200: ProgrammeSettingsSchema, ...problemResponses } },
    },
    async (request) => services.outcomes.programmeSettings(requireContext(request), request.params.id),
  );

  app.put(
    '/api/v1/programmes/:id/outcome-settings',
    {
      schema: {
        tags,
        summary: 'Set a programme’s measures, when they are due, GP attendance and a UCLA-3 cut-off (administrators)',
        params: IdParams,
        body: ProgrammeSettingsBody,
        response: { 200: ProgrammeSettingsSchema, ...problemResponses },
      },
    },
    async (request) => services.outcomes.setProgrammeSettings(requireContext(request), request.params.id, request.body),
  );
}
