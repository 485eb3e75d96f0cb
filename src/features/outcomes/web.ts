import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { TimepointName } from '../../platform/db/schema.js';
import { FieldErrors, NotFound, ValidationFailed, type FieldError } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { loadCaseHeader, type CaseHeader } from '../cases/header.js';
import { shortDate } from '../../platform/views/svg.js';
import { chartSvg } from './chart.js';
import { BUILT_IN_MEASURES } from './measures/builtin.js';
import { checkCustomMeasure, type CustomMeasureInput } from './measures/custom.js';
import { DIRECTION_TEXT, type Direction, type MeasureDefinition } from './measures/definition.js';
import type { ScoreResult } from './measures/score.js';
import { outcomePolicy } from './policy.js';
import type { CaseOutcomes } from './service.js';

/**
 * The case's Outcomes part: each measure's history (chart and table), what the programme asks for,
 * GP attendance; the "Record a measure" form with a server-side "check the score" step; and the
 * administrators' page for adding a measure as data. Everything works without JavaScript.
 */

const OUTCOMES = 'features/outcomes/views/outcomes.njk';
const RECORD = 'features/outcomes/views/record.njk';
const MEASURES_ADMIN = 'features/outcomes/views/admin-measures.njk';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const TIMEPOINT_LABELS: Record<TimepointName, string> = { baseline: 'Baseline', review: 'Review', closure: 'Closure' };

const DONE_MESSAGES: Record<string, string> = {
  recorded: 'Measure recorded.',
  declined: 'Recorded that the person declined to answer. No score is kept.',
  'gp-attendance': 'GP attendance saved.',
};

function caseIdParam(request: FastifyRequest): string {
  const { id } = request.params as { id: string };
  if (!UUID.test(id)) throw new NotFound('There is no such case');
  return id.toLowerCase();
}

function queryString(query: unknown, name: string): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Day, month and year boxes as one YYYY-MM-DD, or the NHS.UK pattern's message for what is wrong. */
export function completedOnFrom(values: Record<string, string>): { value: string; error?: string } {
  const day = (values['completedOn-day'] ?? '').trim();
  const month = (values['completedOn-month'] ?? '').trim();
  const year = (values['completedOn-year'] ?? '').trim();
  if (!day && !month && !year) return { value: '', error: 'Enter the date the person completed it' };
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) return { value: '', error: `Date completed must include a ${missing.join(' and a ')}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { value: '', error: 'Date completed must be a real date' };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return { value: '', error: 'Date completed must be a real date' };
  return { value: iso };
}

const formatScore = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** One section per measure with records: its direction in words, a chart per score, and a table of every record. */
function historySections(outcomes: CaseOutcomes, definitions: MeasureDefinition[]) {
  const byCode = new Map(definitions.map((d) => [d.code, d]));
  const codes = [...new Set(outcomes.records.map((r) => r.measure.code))];
  return codes.map((code) => {
    const records = outcomes.records.filter((r) => r.measure.code === code);
    const definition = byCode.get(code);
    const scoreKeys = scoreColumns(definition);
    const shortLabel = (label: string, i: number) => (definition?.scoring.kind === 'per-item' && code === 'ons4' ? ONS4_SHORT[i] : label);
    const columns = scoreKeys.map((s, i) => ({ ...s, heading: shortLabel(s.label, i), directionText: DIRECTION_TEXT[s.direction] }));
    const charts = columns.flatMap((column) => {
      const points = records.flatMap((r) => {
        const found = r.scores.find((s) => s.key === column.key);
        return found ? [{ date: r.completedOn, value: found.value, label: TIMEPOINT_LABELS[r.timepoint], min: found.min, max: found.max }] : [];
      });
      if (points.length === 0) return [];
      return [{
        heading: column.heading,
        directionText: column.directionText,
        svg: chartSvg({ id: `chart-${code}-${column.key}`, title: `${definition?.name ?? code}: ${column.heading}`, min: points[0]!.min, max: points[0]!.max, direction: column.direction, points }),
      }];
    });
    const rows = records.map((r) => ({
      date: shortDate(r.completedOn),
      timepoint: TIMEPOINT_LABELS[r.timepoint],
      declined: r.declined,
      cells: columns.map((column) => {
        if (r.declined) return '';
        const found = r.scores.find((s) => s.key === column.key);
        if (!found) return column.key === 'total' ? 'No score: not every question was answered' : 'Not answered';
        return found.band ? `${formatScore(found.value)} (${found.band})` : formatScore(found.value);
      }),
      recordedBy: r.recordedBy ?? 'System',
    }));
    return { code, name: definition?.name ?? code, description: definition?.description ?? '', columns, charts, rows };
  });
}

const ONS4_SHORT = ['Life satisfaction', 'Worthwhile', 'Happy yesterday', 'Anxious yesterday'];

/** The scores a measure reports: each item for per-item measures, else its one total. */
function scoreColumns(definition: MeasureDefinition | undefined): { key: string; label: string; direction: Direction }[] {
  if (!definition) return [{ key: 'total', label: 'Total', direction: 'higher-is-better' }];
  const rule = definition.scoring;
  if (rule.kind === 'per-item') return definition.items.map((i) => ({ key: i.key, label: i.label, direction: i.direction ?? 'higher-is-better' }));
  return [{ key: 'total', label: rule.kind === 'lookup' ? rule.scoreLabel : rule.kind === 'mean' ? 'Mean' : 'Total', direction: rule.direction }];
}

/** What the programme asks for on this case, and which of those timepoints have a record. */
function planRows(outcomes: CaseOutcomes) {
  return outcomes.plan.map((p) => ({
    name: p.name,
    timepoints: p.timepoints.map((t) => {
      const done = outcomes.records.some((r) => r.measure.code === p.code && r.timepoint === t);
      return `${TIMEPOINT_LABELS[t]}: ${done ? 'recorded' : 'not recorded yet'}`;
    }),
  }));
}

/** The answers the form sent, as the service takes them: numbers, null when blank, the raw text when not a number. */
function answersFrom(values: Record<string, string>, definition: MeasureDefinition): (number | string | null)[] {
  return definition.items.map((_, i) => {
    const raw = (values[`answer-${i}`] ?? '').trim();
    if (raw === '') return null;
    return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  });
}

function recordForm(definition: MeasureDefinition, values: Record<string, string>) {
  const scaleOptions: { value: string; text: string }[] = [];
  for (let value = definition.scale.min; value <= definition.scale.max; value++) {
    const label = definition.scale.labels.find((l) => l.value === value)?.label;
    scaleOptions.push({ value: String(value), text: label ? `${value} – ${label}` : String(value) });
  }
  return {
    definition,
    // Radios up to 11 choices (ONS4's 0–10); a number box for longer scales an administrator defines.
    useRadios: scaleOptions.length <= 11,
    questions: definition.items.map((item, i) => ({
      index: i,
      name: `answer-${i}`,
      id: `answers[${i}]`,
      legend: definition.itemWordingShown ? item.label : `${item.label} (read it from your registered form)`,
      hint: item.multiplier && item.multiplier !== 1 ? `Counts ${item.multiplier === 2 ? 'double' : `${item.multiplier} times`} in the total` : undefined,
      value: values[`answer-${i}`] ?? '',
      items: scaleOptions.map((o) => ({ ...o, checked: values[`answer-${i}`] === o.value })),
    })),
    timepointItems: (Object.keys(TIMEPOINT_LABELS) as TimepointName[]).map((t) => ({ value: t, text: TIMEPOINT_LABELS[t], checked: values.timepoint === t })),
    values,
    directionText: definition.scoring.kind === 'per-item' ? null : DIRECTION_TEXT[definition.scoring.direction],
  };
}

function previewOf(result: ScoreResult, definition: MeasureDefinition) {
  const answered = result.items.filter((i) => i.answer !== null).length;
  return {
    answered,
    of: result.items.length,
    scores: result.scores.map((s) => ({ label: s.label, value: formatScore(s.value), band: s.band, range: `${formatScore(s.min)} to ${formatScore(s.max)}`, directionText: DIRECTION_TEXT[s.direction] })),
    noTotal: definition.scoring.kind !== 'per-item' && result.total === null,
    rawTotal: definition.scoring.kind === 'lookup' && result.rawTotal !== null ? result.rawTotal : null,
  };
}

/** "answers" (the count) points at the first question; everything else keeps its field name. */
function pageErrors(errors: FieldError[]): FieldError[] {
  return errors.map((e) => (e.field === 'answers' ? { ...e, field: 'answers[0]' } : e));
}

export async function outcomeWebRoutes(app: App, services: Services): Promise<void> {
  const db = services.db;
  const scope = (ctx: RequestContext) => ({ organisationId: ctx.organisationId, userId: ctx.actor.userId });

  /** The case header (audited as a read) and the case's outcomes, in one transaction. */
  async function load(ctx: RequestContext, caseId: string): Promise<{ header: CaseHeader; outcomes: CaseOutcomes }> {
    authorize(ctx, outcomePolicy, 'view-records');
    return db.inScope(scope(ctx), async (tx) => {
      const header = await loadCaseHeader(tx, ctx, caseId, 'outcomes');
      if (!header) throw new NotFound('There is no such case');
      return { header, outcomes: await services.outcomes.caseOutcomes(tx, ctx, caseId) };
    });
  }

  async function outcomesPage(reply: FastifyReply, ctx: RequestContext, caseId: string, extra: Record<string, unknown> = {}) {
    const { header, outcomes } = await load(ctx, caseId);
    const definitions = await services.outcomes.listDefinitions(ctx);
    return reply.page(OUTCOMES, {
      title: `Outcomes – ${header.person.displayName}`,
      caseHeader: header,
      casePart: 'outcomes',
      plan: planRows(outcomes),
      sections: historySections(outcomes, definitions),
      gp: outcomes.gpAttendanceCollected ? outcomes.gpAttendance : null,
      gpValues: { before: outcomes.gpAttendance.before ?? '', after: outcomes.gpAttendance.after ?? '' },
      ...extra,
    });
  }

  app.get('/cases/:id/outcomes', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const done = queryString(request.query, 'done');
    return outcomesPage(reply, ctx, caseIdParam(request), { flash: Object.hasOwn(DONE_MESSAGES, done) ? DONE_MESSAGES[done] : undefined });
  });

  app.post('/cases/:id/outcomes/gp-attendance', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const caseId = caseIdParam(request);
    const values = formValues(request.body);
    const errors = new FieldErrors();
    const count = (field: 'before' | 'after'): number | null => {
      const raw = (values[field] ?? '').trim();
      if (raw === '') return null;
      if (!/^\d{1,3}$/.test(raw)) errors.add(field, `Enter the number of GP appointments ${field} referral as a whole number from 0 to 999`);
      return Number(raw);
    };
    const input = { before: count('before'), after: count('after') };
    try {
      errors.throwIfAny();
      await services.outcomes.setGpAttendance(ctx, caseId, input);
    } catch (error) {
      if (error instanceof ValidationFailed) return outcomesPage(reply.code(400), ctx, caseId, { errors: error.errors, gpValues: values });
      throw error;
    }
    return reply.redirect(`/cases/${caseId}/outcomes?done=gp-attendance`, 303);
  });

  /** Step 1 chooses the measure (the programme's first); step 2 is that measure's form. */
  app.get('/cases/:id/outcomes/record', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, outcomePolicy, 'record');
    const caseId = caseIdParam(request);
    const { header, outcomes } = await load(ctx, caseId);
    const definitions = await services.outcomes.listDefinitions(ctx);
    const code = queryString(request.query, 'measure').toLowerCase();
    const base = { title: 'Record a measure', caseHeader: header, casePart: 'outcomes' };
    const definition = definitions.find((d) => d.code === code);
    if (!definition) {
      const planned = new Map(outcomes.plan.map((p) => [p.code, p.timepoints]));
      const ordered = [...definitions].sort((a, b) => Number(planned.has(b.code)) - Number(planned.has(a.code)));
      return reply.code(code ? 400 : 200).page(RECORD, {
        ...base,
        step: 'choose',
        measureItems: ordered.map((d) => ({
          value: d.code,
          text: d.name,
          hint: { text: planned.has(d.code) ? `This programme asks for it at ${planned.get(d.code)!.map((t) => TIMEPOINT_LABELS[t].toLowerCase()).join(', ')}` : 'Optional for this programme' },
        })),
        errors: code ? [{ field: 'measure', message: 'Choose a measure' }] : undefined,
      });
    }
    const today = new Date();
    return reply.page(RECORD, {
      ...base,
      title: `Record ${definition.name}`,
      step: 'answers',
      ...recordForm(definition, {
        'completedOn-day': String(today.getUTCDate()),
        'completedOn-month': String(today.getUTCMonth() + 1),
        'completedOn-year': String(today.getUTCFullYear()),
      }),
    });
  });

  app.post('/cases/:id/outcomes/record', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, outcomePolicy, 'record');
    const caseId = caseIdParam(request);
    const values = formValues(request.body);
    const definitions = await services.outcomes.listDefinitions(ctx);
    const definition = definitions.find((d) => d.code === (values.measure ?? '').toLowerCase());
    if (!definition) return reply.redirect(`/cases/${caseId}/outcomes/record`, 303);
    const intent = values.intent === 'declined' ? 'declined' : values.intent === 'check' ? 'check' : 'save';
    const date = completedOnFrom(values);
    const input = {
      measure: definition.code,
      timepoint: values.timepoint ?? '',
      completedOn: date.value,
      declined: intent === 'declined',
      answers: intent === 'declined' ? undefined : answersFrom(values, definition),
    };

    const again = async (status: number, extra: Record<string, unknown>) => {
      const { header } = await load(ctx, caseId);
      return reply.code(status).page(RECORD, { title: `Record ${definition.name}`, caseHeader: header, casePart: 'outcomes', step: 'answers', ...recordForm(definition, values), ...extra });
    };

    try {
      if (intent === 'check') {
        const scored = await services.outcomes.check(ctx, caseId, definition.code, input.answers);
        return again(200, { preview: previewOf(scored, definition) });
      }
      if (date.error) {
        // Report the date with every other problem at once (a stand-in date lets the rest be checked).
        const others = await services.outcomes.validateRecord(ctx, caseId, { ...input, completedOn: '2000-01-01' }).then(
          () => [] as FieldError[],
          (error: unknown) => (error instanceof ValidationFailed ? error.errors : Promise.reject(error)),
        );
        throw new ValidationFailed([{ field: 'completedOn', message: date.error }, ...others]);
      }
      await services.outcomes.record(ctx, caseId, input);
    } catch (error) {
      if (error instanceof ValidationFailed) return again(400, { errors: pageErrors(error.errors) });
      throw error;
    }
    return reply.redirect(`/cases/${caseId}/outcomes?done=${intent === 'declined' ? 'declined' : 'recorded'}`, 303);
  });

  app.get('/admin/measures', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, outcomePolicy, 'define');
    const definitions = await services.outcomes.listDefinitions(ctx);
    const done = queryString(request.query, 'done');
    const flash = done === 'added' ? 'Measure added. Link workers can now record it.' : done === 'wording' ? 'Wording saved. Forms for this measure now show it.' : undefined;
    return reply.page(MEASURES_ADMIN, { ...adminPage(definitions), values: { kind: 'sum', direction: 'higher-is-better' }, flash });
  });

  app.post('/admin/measures', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, outcomePolicy, 'define');
    const values = formValues(request.body);
    try {
      const input = customInputFrom(values);
      checkCustomMeasure(input);
      await services.outcomes.defineMeasure(ctx, input);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        const definitions = await services.outcomes.listDefinitions(ctx);
        return reply.code(400).page(MEASURES_ADMIN, { ...adminPage(definitions), values, errors: adminErrors(error.errors) });
      }
      throw error;
    }
    return reply.redirect('/admin/measures?done=added', 303);
  });

  app.post('/admin/measures/:code/wording', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, outcomePolicy, 'define');
    const { code } = request.params as { code: string };
    const values = formValues(request.body);
    const lines = (text: string | undefined) => (text ?? '').split(/\r?\n/);
    try {
      await services.outcomes.setWording(ctx, code, { items: lines(values.items), answerLabels: lines(values.answerLabels), licensed: values.licensed === 'yes' });
    } catch (error) {
      if (error instanceof ValidationFailed) {
        const definitions = await services.outcomes.listDefinitions(ctx);
        const errors = error.errors.map((e) => ({ ...e, field: `${code}-${e.field}` }));
        return reply.code(400).page(MEASURES_ADMIN, { ...adminPage(definitions, { code, values }), values: { kind: 'sum', direction: 'higher-is-better' }, errors });
      }
      throw error;
    }
    return reply.redirect('/admin/measures?done=wording', 303);
  });
}

/** The measures table, and a wording form for each measure whose wording is licensed. */
function adminPage(definitions: MeasureDefinition[], typed?: { code: string; values: Record<string, string> }) {
  const licensed = BUILT_IN_MEASURES.filter((d) => !d.itemWordingShown).map((d) => {
    const current = definitions.find((c) => c.code === d.code) ?? d;
    const entered = current.itemWordingShown;
    const own = typed?.code === d.code ? typed.values : undefined;
    return {
      code: d.code,
      name: d.name,
      count: d.items.length,
      answers: d.scale.max - d.scale.min + 1,
      entered,
      items: own?.items ?? (entered ? current.items.map((i) => i.label).join('\n') : ''),
      answerLabels: own?.answerLabels ?? current.scale.labels.map((l) => l.label).join('\n'),
    };
  });
  return { title: 'Outcome measures', definitions: definitionRows(definitions), licensed };
}

function definitionRows(definitions: MeasureDefinition[]) {
  return definitions.map((d) => ({
    code: d.code,
    name: d.name,
    items: d.items.length,
    scale: `${d.scale.min} to ${d.scale.max}`,
    scoring: { 'per-item': 'Each item on its own', sum: 'Sum', mean: 'Mean', lookup: 'Lookup table' }[d.scoring.kind],
    source: d.builtIn ? 'Built in' : 'Added by your organisation',
  }));
}

/** The admin form's lines as the service's input: one question per line, "value = label" answer names, comma-separated table. */
export function customInputFrom(values: Record<string, string>): CustomMeasureInput {
  const lines = (text: string | undefined) => (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const errors = new FieldErrors();
  const int = (field: string, raw: string | undefined) => {
    const value = (raw ?? '').trim();
    if (!/^-?\d+$/.test(value)) errors.add(field, field === 'scaleMin' ? 'Enter the lowest answer as a whole number' : 'Enter the highest answer as a whole number');
    return Number(value);
  };
  const min = int('scaleMin', values.scaleMin);
  const max = int('scaleMax', values.scaleMax);
  const labels = lines(values.answerLabels).map((line, i) => {
    const match = /^(-?\d+)\s*[=:]\s*(.+)$/.exec(line);
    if (!match) errors.add('answerLabels', `Answer name on line ${i + 1} must look like "1 = Hardly ever"`);
    return { value: Number(match?.[1]), label: match?.[2] ?? '' };
  });
  const table = (values.table ?? '').trim();
  const tableValues = table === '' ? [] : table.split(/[,\s]+/).filter(Boolean).map(Number);
  if (values.kind === 'lookup' && tableValues.some((v) => !Number.isFinite(v))) errors.add('table', 'The table must be numbers separated by commas');
  errors.throwIfAny();
  return {
    code: values.code ?? '',
    name: values.name ?? '',
    description: values.description,
    licenceNote: values.licenceNote,
    items: lines(values.items),
    scale: { min, max, labels },
    scoring: { kind: values.kind ?? '', direction: values.direction ?? '', values: tableValues, scoreLabel: values.scoreLabel },
  };
}

/** The service names nested fields; the page's controls have flat ids. */
function adminErrors(errors: FieldError[]): FieldError[] {
  const map = (field: string) => {
    if (field.startsWith('items')) return 'items';
    if (field === 'scale') return 'scaleMin';
    if (field.startsWith('scale.labels')) return 'answerLabels';
    if (field === 'scoring.kind') return 'kind';
    if (field === 'scoring.direction') return 'direction';
    if (field === 'scoring.values') return 'table';
    return field;
  };
  return errors.map((e) => ({ ...e, field: map(e.field) }));
}

