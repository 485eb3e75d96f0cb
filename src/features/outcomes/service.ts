import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { hmac } from '../../platform/auth/secrets.js';
import { authorize } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { TIMEPOINTS, type TimepointName } from '../../platform/db/schema.js';
import { FieldErrors, NotFound, ValidationFailed } from '../../platform/errors.js';
import { BUILT_IN_MEASURES, builtInMeasure, uclaBands, WARWICK_REGISTERED_NOTE } from './measures/builtin.js';
import { checkCustomMeasure, type CustomMeasureInput } from './measures/custom.js';
import type { MeasureDefinition } from './measures/definition.js';
import { score, type Answer, type ItemScore, type ReportedScore, type ScoreOptions, type ScoreResult } from './measures/score.js';
import { outcomePolicy } from './policy.js';

export type Cohort = 'everyone' | 'multiple-disadvantage';
export const COHORTS: readonly Cohort[] = ['everyone', 'multiple-disadvantage'];

export interface PlannedMeasure {
  cohort: Cohort;
  code: string;
  timepoints: TimepointName[];
}

export interface ProgrammeOutcomeSettings {
  programmeId: string;
  /** True when the programme chose nothing, so the defaults below apply. */
  usingDefaults: boolean;
  measures: PlannedMeasure[];
  gpAttendance: boolean;
  uclaLonelyFrom: number | null;
}

/** Every timepoint for each default measure; the MD cohort's default is NDT and ONS4. */
export const DEFAULT_PLAN: readonly PlannedMeasure[] = [
  { cohort: 'everyone', code: 'ons4', timepoints: ['baseline', 'review', 'closure'] },
  { cohort: 'multiple-disadvantage', code: 'ndt', timepoints: ['baseline', 'review', 'closure'] },
];

export interface RecordInput {
  measure?: unknown;
  timepoint?: unknown;
  completedOn?: unknown;
  declined?: unknown;
  answers?: unknown;
}

/** What is kept with a record: enough to show and export it without rescoring. */
export interface StoredScores {
  rawTotal: number | null;
  total: number | null;
  complete: boolean;
  items: { key: string; score: number | null; band: string | null }[];
  scores: ReportedScore[];
}

/** How a programme's settings change scoring: a UCLA-3 loneliness cut-off, when the service set one. */
export function scoreOptions(definition: MeasureDefinition, uclaLonelyFrom: number | null): ScoreOptions {
  return definition.code === 'ucla3' && uclaLonelyFrom !== null ? { totalBands: uclaBands(uclaLonelyFrom) } : {};
}

/** The scores column of a record, from the engine's result (the generator stores the same shape). */
export function storedScores(result: ScoreResult): StoredScores {
  return {
    rawTotal: result.rawTotal,
    total: result.total,
    complete: result.complete,
    items: result.items.map((i) => ({ key: i.key, score: i.score, band: i.band })),
    scores: result.scores,
  };
}

export interface MeasureRecordView {
  id: string;
  caseId: string;
  measure: { code: string; name: string };
  timepoint: TimepointName;
  completedOn: string;
  declined: boolean;
  answers: Answer[] | null;
  total: number | null;
  rawTotal: number | null;
  complete: boolean;
  items: ItemScore[];
  scores: ReportedScore[];
  recordedBy: string | null;
  recordedAt: string;
}

export interface GpAttendanceView {
  before: number | null;
  after: number | null;
}

export interface CaseOutcomes {
  caseId: string;
  personId: string;
  multipleDisadvantage: boolean;
  plan: (PlannedMeasure & { name: string })[];
  records: MeasureRecordView[];
  gpAttendanceCollected: boolean;
  gpAttendance: GpAttendanceView;
  uclaLonelyFrom: number | null;
}

export interface GpAttendanceRow {
  /** 1-based line in the file, for messages. */
  line: number;
  nhsNumber?: string;
  personId?: string;
  period: string;
  count: string;
}

export interface GpImportSummary {
  imported: number;
  rejected: { line: number; message: string }[];
}

export interface OutcomeExportRow {
  person: string;
  kind: 'measure' | 'referral-event' | 'gp-attendance';
  code: string;
  date: string;
  timepoint: string;
  declined: string;
  answers: string;
  score: string;
  itemScores: string;
  snomedCode: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function createOutcomeService(db: Database, options: { pseudonymSecret: string; clock?: () => Date }) {
  const clock = options.clock ?? (() => new Date());
  // A key used for nothing else, derived from the install's secret: the same person always gets the
  // same pseudonym from this install, and the pseudonym cannot be turned back into the person.
  const pseudonymKey = hmac(options.pseudonymSecret, 'linkwork:outcomes-export-pseudonym');
  const scope = (ctx: RequestContext) => ({ organisationId: ctx.organisationId, userId: ctx.actor.userId });

  async function customDefinitions(tx: Tx, ctx: RequestContext): Promise<MeasureDefinition[]> {
    const rows = await tx.selectFrom('outcomeMeasure').select(['definition']).where('organisationId', '=', ctx.organisationId).orderBy('name').execute();
    return rows.map((row) => (typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition) as MeasureDefinition);
  }

  /** Built-in measures, with the wording the organisation entered for a licensed one, then its own measures. */
  async function allDefinitions(tx: Tx, ctx: RequestContext): Promise<MeasureDefinition[]> {
    const wording = await tx.selectFrom('outcomeMeasureWording').select(['measureCode', 'items', 'answerLabels']).where('organisationId', '=', ctx.organisationId).execute();
    const builtIn = BUILT_IN_MEASURES.map((definition) => {
      const entered = wording.find((w) => w.measureCode === definition.code);
      if (!entered) return definition;
      const items = parseJson<string[]>(entered.items);
      const labels = parseJson<string[]>(entered.answerLabels);
      return {
        ...definition,
        itemWordingShown: true,
        licenceNote: WARWICK_REGISTERED_NOTE,
        items: definition.items.map((item, i) => ({ ...item, label: items[i] ?? item.label })),
        scale: { ...definition.scale, labels: labels.map((label, i) => ({ value: definition.scale.min + i, label })) },
      };
    });
    return [...builtIn, ...(await customDefinitions(tx, ctx))];
  }

  async function findDefinition(tx: Tx, ctx: RequestContext, code: string): Promise<MeasureDefinition | undefined> {
    return (await allDefinitions(tx, ctx)).find((m) => m.code === code);
  }

  async function programmeSettings(tx: Tx, ctx: RequestContext, programmeId: string): Promise<ProgrammeOutcomeSettings> {
    const rows = await tx
      .selectFrom('programmeOutcomeMeasure')
      .select(['cohort', 'measureCode', 'timepoints'])
      .where('organisationId', '=', ctx.organisationId)
      .where('programmeId', '=', programmeId)
      .orderBy('cohort')
      .orderBy('measureCode')
      .execute();
    const option = await tx
      .selectFrom('programmeOutcomeOption')
      .select(['gpAttendance', 'uclaLonelyFrom'])
      .where('organisationId', '=', ctx.organisationId)
      .where('programmeId', '=', programmeId)
      .executeTakeFirst();
    return {
      programmeId,
      usingDefaults: rows.length === 0,
      measures: rows.length === 0 ? [...DEFAULT_PLAN] : rows.map((r) => ({ cohort: r.cohort, code: r.measureCode, timepoints: r.timepoints })),
      gpAttendance: option?.gpAttendance ?? false,
      uclaLonelyFrom: option?.uclaLonelyFrom ?? null,
    };
  }

  async function caseRow(tx: Tx, ctx: RequestContext, caseId: string) {
    if (!UUID.test(caseId)) throw new NotFound('There is no such case');
    const row = await tx
      .selectFrom('supportCase')
      .select(['id', 'personId', 'programmeId', 'multipleDisadvantage'])
      .where('organisationId', '=', ctx.organisationId)
      .where('id', '=', caseId.toLowerCase())
      .executeTakeFirst();
    if (!row) throw new NotFound('There is no such case');
    return row;
  }

  type RecordRow = {
    id: string;
    caseId: string;
    measureCode: string;
    timepoint: TimepointName;
    completedOn: string;
    declined: boolean;
    answers: unknown;
    scores: unknown;
    recordedBy: string | null;
    recordedAt: Date;
  };

  function parseJson<T>(value: unknown): T {
    return (typeof value === 'string' ? JSON.parse(value) : value) as T;
  }

  function toView(row: RecordRow, definitions: Map<string, MeasureDefinition>): MeasureRecordView {
    const definition = definitions.get(row.measureCode);
    const answers = row.answers === null ? null : parseJson<Answer[]>(row.answers);
    const stored = row.scores === null ? null : parseJson<StoredScores>(row.scores);
    const items: ItemScore[] = (stored?.items ?? []).map((item, i) => ({
      key: item.key,
      label: definition?.items.find((d) => d.key === item.key)?.label ?? item.key,
      answer: answers?.[i] ?? null,
      score: item.score,
      band: item.band,
    }));
    return {
      id: row.id,
      caseId: row.caseId,
      measure: { code: row.measureCode, name: definition?.name ?? row.measureCode },
      timepoint: row.timepoint,
      completedOn: row.completedOn,
      declined: row.declined,
      answers,
      total: stored?.total ?? null,
      rawTotal: stored?.rawTotal ?? null,
      complete: stored?.complete ?? false,
      items,
      scores: stored?.scores ?? [],
      recordedBy: row.recordedBy,
      recordedAt: iso(row.recordedAt),
    };
  }

  function recordsQuery(tx: Tx, ctx: RequestContext) {
    return tx
      .selectFrom('measureRecord as m')
      .leftJoin('appUser as u', 'u.id', 'm.recordedByUserId')
      .select(['m.id', 'm.caseId', 'm.measureCode', 'm.timepoint', 'm.completedOn', 'm.declined', 'm.answers', 'm.scores', 'u.name as recordedBy', 'm.recordedAt'])
      .where('m.organisationId', '=', ctx.organisationId);
  }

  /** Checks a record against its measure and says everything wrong at once. */
  function checkRecord(input: RecordInput, definition: MeasureDefinition | undefined, uclaLonelyFrom: number | null) {
    const errors = new FieldErrors();
    const code = typeof input.measure === 'string' ? input.measure.trim().toLowerCase() : '';
    if (!definition) errors.add('measure', code ? `There is no measure called "${code}"` : 'Choose a measure');
    const timepoint = typeof input.timepoint === 'string' ? input.timepoint : '';
    if (!(TIMEPOINTS as readonly string[]).includes(timepoint)) errors.add('timepoint', 'Choose when this was completed: baseline, review or closure');
    const completedOn = typeof input.completedOn === 'string' ? input.completedOn.trim() : '';
    if (!isRealDate(completedOn)) errors.add('completedOn', 'Enter the date it was completed, as a real date like 2026-03-15');
    else if (completedOn > clock().toISOString().slice(0, 10)) errors.add('completedOn', 'Date completed must be today or in the past');
    const declined = input.declined === true;
    let result: ScoreResult | null = null;
    if (declined) {
      if (Array.isArray(input.answers) && input.answers.some((a) => a !== null)) {
        errors.add('answers', 'Leave out the answers when the person declined to answer');
      }
    } else if (definition) {
      try {
        result = score(definition, input.answers, scoreOptions(definition, uclaLonelyFrom));
        if (result.items.every((i) => i.answer === null)) {
          errors.add('answers', 'Answer at least one question, or record that the person declined to answer');
        }
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error;
        errors.errors.push(...error.errors);
      }
    }
    errors.throwIfAny();
    return { definition: definition!, timepoint: timepoint as TimepointName, completedOn, declined, result };
  }

  async function gpAttendanceFor(tx: Tx, ctx: RequestContext, caseId: string): Promise<GpAttendanceView> {
    const rows = await tx.selectFrom('gpAttendance').select(['period', 'appointments']).where('organisationId', '=', ctx.organisationId).where('caseId', '=', caseId).execute();
    return {
      before: rows.find((r) => r.period === 'before')?.appointments ?? null,
      after: rows.find((r) => r.period === 'after')?.appointments ?? null,
    };
  }

  function pseudonym(personId: string): string {
    return hmac(pseudonymKey, personId).slice(0, 22);
  }

  async function caseOutcomes(tx: Tx, ctx: RequestContext, caseId: string): Promise<CaseOutcomes> {
    authorize(ctx, outcomePolicy, 'view-records');
    const found = await caseRow(tx, ctx, caseId);
    // One after another: PGlite has one connection, and these share the caller's transaction.
    const settings = await programmeSettings(tx, ctx, found.programmeId);
    const definitions = await allDefinitions(tx, ctx);
    const rows = await recordsQuery(tx, ctx).where('m.caseId', '=', found.id).orderBy('m.completedOn').orderBy('m.recordedAt').execute();
    const gp = await gpAttendanceFor(tx, ctx, found.id);
    const byCode = new Map(definitions.map((d) => [d.code, d]));
    const plan = settings.measures
      .filter((m) => m.cohort === 'everyone' || found.multipleDisadvantage)
      .map((m) => ({ ...m, name: byCode.get(m.code)?.name ?? m.code }));
    return {
      caseId: found.id,
      personId: found.personId,
      multipleDisadvantage: found.multipleDisadvantage,
      plan,
      records: rows.map((r) => toView(r, byCode)),
      gpAttendanceCollected: settings.gpAttendance,
      gpAttendance: gp,
      uclaLonelyFrom: settings.uclaLonelyFrom,
    };
  }

  return {
    /** Built-in measures and the organisation's own. */
    async listDefinitions(ctx: RequestContext): Promise<MeasureDefinition[]> {
      authorize(ctx, outcomePolicy, 'use-definitions');
      return db.inScope(scope(ctx), (tx) => allDefinitions(tx, ctx));
    },

    /** Scores answers without storing them: the same engine as recording. Unknown code → 400. */
    async preview(ctx: RequestContext, code: string, answers: unknown): Promise<ScoreResult> {
      authorize(ctx, outcomePolicy, 'use-definitions');
      const definition = await db.inScope(scope(ctx), (tx) => findDefinition(tx, ctx, code.toLowerCase()));
      if (!definition) throw ValidationFailed.field('code', `There is no measure called "${code}"`);
      return score(definition, answers);
    },

    async defineMeasure(ctx: RequestContext, input: CustomMeasureInput): Promise<MeasureDefinition> {
      authorize(ctx, outcomePolicy, 'define');
      const definition = checkCustomMeasure(input);
      return db.inScope(scope(ctx), async (tx) => {
        const existing = await tx.selectFrom('outcomeMeasure').select('code').where('organisationId', '=', ctx.organisationId).where('code', '=', definition.code).executeTakeFirst();
        if (existing) throw ValidationFailed.field('code', `There is already a measure with the code ${definition.code}`);
        await tx
          .insertInto('outcomeMeasure')
          .values({ organisationId: ctx.organisationId, code: definition.code, name: definition.name, definition: JSON.stringify(definition), createdByUserId: ctx.actor.userId })
          .execute();
        await recordAudit(tx, ctx, { action: 'measure.defined', subjectType: 'outcome-measure', subjectId: null, detail: { code: definition.code, items: definition.items.length, scoring: definition.scoring.kind } });
        return definition;
      });
    },

    /**
     * Wording for a licensed built-in measure (SWEMWBS, WEMWBS), entered by an organisation that has
     * registered for the licence, which it confirms. Answer names are optional: none, or one per answer.
     */
    async setWording(ctx: RequestContext, code: string, input: { items: string[]; answerLabels: string[]; licensed: boolean }): Promise<MeasureDefinition> {
      authorize(ctx, outcomePolicy, 'define');
      const definition = builtInMeasure(code);
      if (!definition || definition.itemWordingShown) throw new NotFound(`${code} is not a measure whose wording is licensed`);
      const errors = new FieldErrors();
      const items = input.items.map((t) => t.trim()).filter(Boolean);
      const labels = input.answerLabels.map((t) => t.trim()).filter(Boolean);
      const answers = definition.scale.max - definition.scale.min + 1;
      if (items.length !== definition.items.length) errors.add('items', `Enter the ${definition.items.length} statements, one per line, in order (you entered ${items.length})`);
      if (items.some((t) => t.length > 500)) errors.add('items', 'Each statement must be 500 characters or fewer');
      if (labels.length !== 0 && labels.length !== answers) errors.add('answerLabels', `Enter a name for each of the ${answers} answers, lowest first, or none`);
      if (labels.some((t) => t.length > 100)) errors.add('answerLabels', 'Each answer name must be 100 characters or fewer');
      if (!input.licensed) errors.add('licensed', 'Confirm that your organisation has registered to use this wording');
      errors.throwIfAny();
      return db.inScope(scope(ctx), async (tx) => {
        await tx
          .insertInto('outcomeMeasureWording')
          .values({ organisationId: ctx.organisationId, measureCode: code, items: JSON.stringify(items), answerLabels: JSON.stringify(labels), setByUserId: ctx.actor.userId })
          .onConflict((oc) => oc.columns(['organisationId', 'measureCode']).doUpdateSet({ items: JSON.stringify(items), answerLabels: JSON.stringify(labels), setByUserId: ctx.actor.userId, updatedAt: new Date() }))
          .execute();
        await recordAudit(tx, ctx, { action: 'measure.wording-set', subjectType: 'outcome-measure', subjectId: null, detail: { code } });
        return (await findDefinition(tx, ctx, code))!;
      });
    },

    async programmeSettings(ctx: RequestContext, programmeId: string): Promise<ProgrammeOutcomeSettings> {
      authorize(ctx, outcomePolicy, 'configure');
      return db.inScope(scope(ctx), async (tx) => {
        await programmeExists(tx, ctx, programmeId);
        return programmeSettings(tx, ctx, programmeId);
      });
    },

    /** Replaces a programme's measures and options; an empty list of measures returns it to the defaults. */
    async setProgrammeSettings(
      ctx: RequestContext,
      programmeId: string,
      input: { measures: PlannedMeasure[]; gpAttendance: boolean; uclaLonelyFrom: number | null },
    ): Promise<ProgrammeOutcomeSettings> {
      authorize(ctx, outcomePolicy, 'configure');
      return db.inScope(scope(ctx), async (tx) => {
        await programmeExists(tx, ctx, programmeId);
        const known = new Set((await allDefinitions(tx, ctx)).map((m) => m.code));
        const errors = new FieldErrors();
        const seen = new Set<string>();
        input.measures.forEach((m, i) => {
          if (!known.has(m.code)) errors.add(`measures[${i}].code`, `There is no measure called "${m.code}"`);
          if (!COHORTS.includes(m.cohort)) errors.add(`measures[${i}].cohort`, 'Cohort must be everyone or multiple-disadvantage');
          if (m.timepoints.length === 0 || m.timepoints.some((t) => !(TIMEPOINTS as readonly string[]).includes(t))) {
            errors.add(`measures[${i}].timepoints`, 'Choose one or more of baseline, review and closure');
          }
          if (seen.has(`${m.cohort}:${m.code}`)) errors.add(`measures[${i}].code`, `${m.code} is listed twice for ${m.cohort}`);
          seen.add(`${m.cohort}:${m.code}`);
        });
        if (input.uclaLonelyFrom !== null && !(Number.isInteger(input.uclaLonelyFrom) && input.uclaLonelyFrom >= 4 && input.uclaLonelyFrom <= 9)) {
          errors.add('uclaLonelyFrom', 'The UCLA-3 cut-off must be a whole number from 4 to 9, or none');
        }
        errors.throwIfAny();
        await tx.deleteFrom('programmeOutcomeMeasure').where('organisationId', '=', ctx.organisationId).where('programmeId', '=', programmeId).execute();
        if (input.measures.length > 0) {
          await tx
            .insertInto('programmeOutcomeMeasure')
            .values(input.measures.map((m) => ({ organisationId: ctx.organisationId, programmeId, cohort: m.cohort, measureCode: m.code, timepoints: [...new Set(m.timepoints)] })))
            .execute();
        }
        await tx
          .insertInto('programmeOutcomeOption')
          .values({ organisationId: ctx.organisationId, programmeId, gpAttendance: input.gpAttendance, uclaLonelyFrom: input.uclaLonelyFrom })
          .onConflict((oc) => oc.columns(['organisationId', 'programmeId']).doUpdateSet({ gpAttendance: input.gpAttendance, uclaLonelyFrom: input.uclaLonelyFrom }))
          .execute();
        await recordAudit(tx, ctx, {
          action: 'programme.outcome-settings-changed',
          subjectType: 'programme',
          subjectId: programmeId,
          detail: { measures: input.measures.map((m) => `${m.cohort}:${m.code}`).join(',') || 'defaults', gpAttendance: input.gpAttendance },
        });
        return programmeSettings(tx, ctx, programmeId);
      });
    },

    /**
     * A case's measures: what the programme asks for, every record, GP attendance. Runs in the
     * caller's transaction so a page can load the case header (which audits the read) alongside.
     */
    caseOutcomes,

    /** The API's read of a case's measures: its own transaction, audited as a read of the person's record. */
    async listCaseRecords(ctx: RequestContext, caseId: string): Promise<CaseOutcomes> {
      authorize(ctx, outcomePolicy, 'view-records');
      return db.inScope(scope(ctx), async (tx) => {
        const outcomes = await caseOutcomes(tx, ctx, caseId);
        await recordAudit(tx, ctx, { action: 'case.viewed', subjectType: 'case', subjectId: outcomes.caseId, detail: { person: outcomes.personId, part: 'outcomes-api' } });
        return outcomes;
      });
    },

    /**
     * Scores answers with the case's programme settings (a UCLA-3 cut-off) without storing: the
     * form's "check the score" step. Only the answers are checked; saving checks the rest.
     */
    async check(ctx: RequestContext, caseId: string, code: string, answers: unknown): Promise<ScoreResult> {
      authorize(ctx, outcomePolicy, 'record');
      return db.inScope(scope(ctx), async (tx) => {
        const found = await caseRow(tx, ctx, caseId);
        const settings = await programmeSettings(tx, ctx, found.programmeId);
        const definition = await findDefinition(tx, ctx, code);
        if (!definition) throw ValidationFailed.field('measure', `There is no measure called "${code}"`);
        return score(definition, answers, scoreOptions(definition, settings.uclaLonelyFrom));
      });
    },

    /** Every problem with a record, without saving it (the form reports the date's problems with the rest). */
    async validateRecord(ctx: RequestContext, caseId: string, input: RecordInput): Promise<void> {
      authorize(ctx, outcomePolicy, 'record');
      await db.inScope(scope(ctx), async (tx) => {
        const found = await caseRow(tx, ctx, caseId);
        const settings = await programmeSettings(tx, ctx, found.programmeId);
        const definition = await findDefinition(tx, ctx, typeof input.measure === 'string' ? input.measure.trim().toLowerCase() : '');
        checkRecord(input, definition, settings.uclaLonelyFrom);
      });
    },

    async record(ctx: RequestContext, caseId: string, input: RecordInput): Promise<MeasureRecordView> {
      authorize(ctx, outcomePolicy, 'record');
      return db.inScope(scope(ctx), async (tx) => {
        const found = await caseRow(tx, ctx, caseId);
        const settings = await programmeSettings(tx, ctx, found.programmeId);
        const definition = await findDefinition(tx, ctx, typeof input.measure === 'string' ? input.measure.trim().toLowerCase() : '');
        const valid = checkRecord(input, definition, settings.uclaLonelyFrom);
        const inserted = await tx
          .insertInto('measureRecord')
          .values({
            organisationId: ctx.organisationId,
            caseId: found.id,
            personId: found.personId,
            measureCode: valid.definition.code,
            timepoint: valid.timepoint,
            completedOn: valid.completedOn,
            declined: valid.declined,
            answers: valid.result ? JSON.stringify(valid.result.items.map((i) => i.answer)) : null,
            scores: valid.result ? JSON.stringify(storedScores(valid.result)) : null,
            recordedByUserId: ctx.actor.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(tx, ctx, {
          action: 'measure.recorded',
          subjectType: 'case',
          subjectId: found.id,
          detail: { person: found.personId, record: inserted.id, measure: valid.definition.code, timepoint: valid.timepoint, declined: valid.declined },
        });
        const row = await recordsQuery(tx, ctx).where('m.id', '=', inserted.id).executeTakeFirstOrThrow();
        return toView(row, new Map([[valid.definition.code, valid.definition]]));
      });
    },

    /** Sets the GP appointment counts on a case (null clears nothing: it leaves that period as it was). */
    async setGpAttendance(ctx: RequestContext, caseId: string, input: { before: number | null; after: number | null }): Promise<GpAttendanceView> {
      authorize(ctx, outcomePolicy, 'record');
      return db.inScope(scope(ctx), async (tx) => {
        const found = await caseRow(tx, ctx, caseId);
        const settings = await programmeSettings(tx, ctx, found.programmeId);
        const errors = new FieldErrors();
        if (!settings.gpAttendance) errors.add('gpAttendance', 'This programme does not collect GP attendance');
        for (const period of ['before', 'after'] as const) {
          const value = input[period];
          if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= 999)) errors.add(period, 'Enter the number of GP appointments as a whole number from 0 to 999');
        }
        errors.throwIfAny();
        for (const period of ['before', 'after'] as const) {
          const value = input[period];
          if (value === null) continue;
          await upsertGp(tx, ctx, found.id, period, value, 'entered');
        }
        await recordAudit(tx, ctx, { action: 'gp-attendance.recorded', subjectType: 'case', subjectId: found.id, detail: { person: found.personId } });
        return gpAttendanceFor(tx, ctx, found.id);
      });
    },

    /**
     * GP attendance rows from a file: each names a person by NHS number or person id; the counts go on
     * that person's most recent case, if its programme collects GP attendance. Bad rows are reported
     * and skipped; the good ones are written together.
     */
    async importGpAttendance(ctx: RequestContext, rows: GpAttendanceRow[]): Promise<GpImportSummary> {
      authorize(ctx, outcomePolicy, 'configure');
      return db.inScope(scope(ctx), async (tx) => {
        const rejected: GpImportSummary['rejected'] = [];
        let imported = 0;
        const settingsByProgramme = new Map<string, ProgrammeOutcomeSettings>();
        for (const row of rows) {
          const period = row.period.trim().toLowerCase();
          const count = row.count.trim();
          const nhs = (row.nhsNumber ?? '').replace(/\s/g, '');
          const personId = (row.personId ?? '').trim().toLowerCase();
          if (period !== 'before' && period !== 'after') {
            rejected.push({ line: row.line, message: 'period must be before or after' });
            continue;
          }
          if (!/^\d{1,3}$/.test(count)) {
            rejected.push({ line: row.line, message: 'count must be a whole number from 0 to 999' });
            continue;
          }
          if (!nhs && !personId) {
            rejected.push({ line: row.line, message: 'give an NHS number or a person id' });
            continue;
          }
          if (personId && !UUID.test(personId)) {
            rejected.push({ line: row.line, message: 'person id must be a UUID' });
            continue;
          }
          let query = tx
            .selectFrom('supportCase as c')
            .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'c.organisationId').onRef('p.id', '=', 'c.personId'))
            .select(['c.id', 'c.programmeId'])
            .where('c.organisationId', '=', ctx.organisationId);
          query = personId ? query.where('p.id', '=', personId) : query.where('p.nhsNumber', '=', nhs);
          const found = await query.orderBy('c.openedAt', 'desc').limit(1).executeTakeFirst();
          if (!found) {
            rejected.push({ line: row.line, message: 'no case for this person in this organisation' });
            continue;
          }
          if (!settingsByProgramme.has(found.programmeId)) settingsByProgramme.set(found.programmeId, await programmeSettings(tx, ctx, found.programmeId));
          if (!settingsByProgramme.get(found.programmeId)!.gpAttendance) {
            rejected.push({ line: row.line, message: 'the person’s programme does not collect GP attendance' });
            continue;
          }
          await upsertGp(tx, ctx, found.id, period, Number(count), 'imported');
          imported++;
        }
        await recordAudit(tx, ctx, { action: 'gp-attendance.imported', subjectType: 'organisation', subjectId: ctx.organisationId, detail: { imported, rejected: rejected.length } });
        return { imported, rejected };
      });
    },

    /**
     * Outcome rows completed (or events that happened) from `from` to `to` inclusive, with a
     * pseudonym per person in place of any identifier: measures, referral events with SNOMED CT
     * codes, and GP attendance of cases whose referral falls in the period.
     */
    async exportRows(ctx: RequestContext, range: { from: string; to: string }): Promise<OutcomeExportRow[]> {
      authorize(ctx, outcomePolicy, 'export');
      const errors = new FieldErrors();
      if (!isRealDate(range.from)) errors.add('from', 'Enter a real date as YYYY-MM-DD');
      if (!isRealDate(range.to)) errors.add('to', 'Enter a real date as YYYY-MM-DD');
      if (errors.errors.length === 0 && range.from > range.to) errors.add('to', 'The end date must be on or after the start date');
      errors.throwIfAny();
      return db.inScope(scope(ctx), async (tx) => {
        const definitions = new Map((await allDefinitions(tx, ctx)).map((d) => [d.code, d]));
        const measures = await tx
          .selectFrom('measureRecord as m')
          .leftJoin('appUser as u', 'u.id', 'm.recordedByUserId')
          .select(['m.id', 'm.caseId', 'm.personId', 'm.measureCode', 'm.timepoint', 'm.completedOn', 'm.declined', 'm.answers', 'm.scores', 'u.name as recordedBy', 'm.recordedAt'])
          .where('m.organisationId', '=', ctx.organisationId)
          .where('m.completedOn', '>=', range.from)
          .where('m.completedOn', '<=', range.to)
          .orderBy('m.completedOn')
          .orderBy('m.recordedAt')
          .execute();
        const events = await tx
          .selectFrom('referralEvent as e')
          .innerJoin('referral as r', (join) => join.onRef('r.organisationId', '=', 'e.organisationId').onRef('r.id', '=', 'e.referralId'))
          .select(['r.personId', 'e.action', 'e.snomedCode', sql<string>`to_char(e.occurred_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')`.as('day')])
          .where('e.organisationId', '=', ctx.organisationId)
          .where('e.snomedCode', 'is not', null)
          .where(sql<boolean>`(e.occurred_at AT TIME ZONE 'Europe/London')::date BETWEEN ${range.from}::date AND ${range.to}::date`)
          .orderBy('e.occurredAt')
          .execute();
        const gp = await tx
          .selectFrom('gpAttendance as g')
          .innerJoin('supportCase as c', (join) => join.onRef('c.organisationId', '=', 'g.organisationId').onRef('c.id', '=', 'g.caseId'))
          .innerJoin('referral as r', (join) => join.onRef('r.organisationId', '=', 'c.organisationId').onRef('r.id', '=', 'c.referralId'))
          .select(['c.personId', 'g.period', 'g.appointments', sql<string>`to_char(r.created_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')`.as('referredOn')])
          .where('g.organisationId', '=', ctx.organisationId)
          .where(sql<boolean>`(r.created_at AT TIME ZONE 'Europe/London')::date BETWEEN ${range.from}::date AND ${range.to}::date`)
          .orderBy('r.createdAt')
          .orderBy('g.period', 'desc')
          .execute();

        const out: OutcomeExportRow[] = [];
        for (const row of measures) {
          const view = toView(row, definitions);
          const perItem = definitions.get(row.measureCode)?.scoring.kind === 'per-item';
          out.push({
            person: pseudonym(row.personId),
            kind: 'measure',
            code: row.measureCode,
            date: row.completedOn,
            timepoint: row.timepoint,
            declined: row.declined ? 'yes' : 'no',
            answers: view.answers ? view.answers.map((a) => (a === null ? '' : String(a))).join(';') : '',
            score: view.total === null ? '' : String(view.total),
            itemScores: perItem ? view.scores.map((s) => `${s.key}=${s.value}`).join(';') : view.items.map((i) => `${i.key}=${i.score ?? ''}`).join(';'),
            snomedCode: '',
          });
        }
        for (const event of events) {
          out.push({ person: pseudonym(event.personId), kind: 'referral-event', code: event.action, date: event.day, timepoint: '', declined: '', answers: '', score: '', itemScores: '', snomedCode: event.snomedCode ?? '' });
        }
        for (const row of gp) {
          out.push({ person: pseudonym(row.personId), kind: 'gp-attendance', code: `gp-appointments-6-months-${row.period}`, date: row.referredOn, timepoint: row.period, declined: '', answers: '', score: String(row.appointments), itemScores: '', snomedCode: '' });
        }
        await recordAudit(tx, ctx, { action: 'outcomes.exported', subjectType: 'organisation', subjectId: ctx.organisationId, detail: { from: range.from, to: range.to, rows: out.length } });
        return out;
      });
    },

    /** For tests and the export's reader: the pseudonym this install gives a person. */
    pseudonym,
  };

  async function programmeExists(tx: Tx, ctx: RequestContext, programmeId: string): Promise<void> {
    const found = UUID.test(programmeId)
      ? await tx.selectFrom('programme').select('id').where('organisationId', '=', ctx.organisationId).where('id', '=', programmeId).executeTakeFirst()
      : undefined;
    if (!found) throw new NotFound('There is no such programme');
  }

  async function upsertGp(tx: Tx, ctx: RequestContext, caseId: string, period: 'before' | 'after', appointments: number, source: 'entered' | 'imported') {
    await tx
      .insertInto('gpAttendance')
      .values({ organisationId: ctx.organisationId, caseId, period, appointments, source, recordedByUserId: ctx.actor.userId })
      .onConflict((oc) => oc.columns(['organisationId', 'caseId', 'period']).doUpdateSet({ appointments, source, recordedByUserId: ctx.actor.userId, recordedAt: new Date() }))
      .execute();
  }
}

export type OutcomeService = ReturnType<typeof createOutcomeService>;
