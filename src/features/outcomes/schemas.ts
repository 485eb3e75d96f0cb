import { Type } from '@fastify/type-provider-typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Direction = Type.Union([Type.Literal('higher-is-better'), Type.Literal('lower-is-better')]);
const Timepoint = Type.Union([Type.Literal('baseline'), Type.Literal('review'), Type.Literal('closure')]);
const Band = Type.Object({ from: Type.Number(), to: Type.Number(), label: Type.String() });
const AnswerOption = Type.Object({ value: Type.Integer(), label: Type.String() });

export const MeasureDefinitionSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    description: Type.String(),
    licenceNote: Nullable(Type.String()),
    itemWordingShown: Type.Boolean({ description: 'False when the wording is licensed and not reproduced: read the questions from your registered form' }),
    builtIn: Type.Boolean(),
    items: Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        multiplier: Type.Optional(Type.Number({ description: 'The item scores the answer times this (NDT risk to/from others: 2)' })),
        direction: Type.Optional(Direction),
        bands: Type.Optional(Type.Array(Band)),
      }),
    ),
    scale: Type.Object({ min: Type.Integer(), max: Type.Integer(), labels: Type.Array(AnswerOption) }),
    scoring: Type.Object({
      kind: Type.Union([Type.Literal('per-item'), Type.Literal('sum'), Type.Literal('mean'), Type.Literal('lookup')]),
      direction: Type.Optional(Direction),
      rawFrom: Type.Optional(Type.Integer()),
      values: Type.Optional(Type.Array(Type.Number(), { description: 'Lookup table: values[i] is the score for raw total rawFrom + i' })),
      scoreLabel: Type.Optional(Type.String()),
      bands: Type.Optional(Type.Array(Band)),
    }),
  },
  { description: 'A measure as data: items, answer scale, scoring rule, and which way is better' },
);

const ItemScore = Type.Object({
  key: Type.String(),
  label: Type.String(),
  answer: Nullable(Type.Integer()),
  score: Nullable(Type.Number()),
  band: Nullable(Type.String()),
});

const ReportedScore = Type.Object({
  key: Type.String({ description: '"total", or the item key for per-item measures (ONS4)' }),
  label: Type.String(),
  value: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  direction: Direction,
  band: Nullable(Type.String()),
});

export const ScoreResultSchema = Type.Object({
  code: Type.String(),
  items: Type.Array(ItemScore),
  complete: Type.Boolean({ description: 'Every item answered. Totals need it (SWEMWBS: no score for partial answers)' }),
  rawTotal: Nullable(Type.Number()),
  total: Nullable(Type.Number({ description: 'The total, mean or metric score; null for ONS4 (never summed) or when not every item is answered' })),
  scores: Type.Array(ReportedScore),
});

export const AnswersBody = Type.Object(
  {
    answers: Type.Array(Type.Unknown(), {
      maxItems: 200,
      description: 'One answer per item in order: a whole number on the answer scale, or null for an item not answered',
      examples: [[7, 8, 6, 3]],
    }),
  },
  { additionalProperties: false },
);

export const CodeParams = Type.Object({ code: Type.String({ maxLength: 40 }) });
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CustomMeasureBody = Type.Object(
  {
    code: Type.String({ maxLength: 40 }),
    name: Type.String({ maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    licenceNote: Type.Optional(Type.String({ maxLength: 1000, description: 'Who licenses the wording and on what terms' })),
    items: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 60, description: 'The questions, in order' }),
    scale: Type.Object({ min: Type.Integer(), max: Type.Integer(), labels: Type.Optional(Type.Array(AnswerOption, { maxItems: 101 })) }),
    scoring: Type.Object({
      kind: Type.String({ description: 'per-item, sum, mean or lookup' }),
      direction: Type.String({ description: 'higher-is-better or lower-is-better' }),
      values: Type.Optional(Type.Array(Type.Number(), { maxItems: 6001, description: 'lookup: one score per possible raw total, lowest first' })),
      scoreLabel: Type.Optional(Type.String({ maxLength: 60 })),
    }),
  },
  { additionalProperties: false },
);

export const MeasureRecordSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  caseId: Type.String({ format: 'uuid' }),
  measure: Type.Object({ code: Type.String(), name: Type.String() }),
  timepoint: Timepoint,
  completedOn: Type.String({ description: 'YYYY-MM-DD: when the person completed it (may be entered later from paper)' }),
  declined: Type.Boolean({ description: 'The person declined to answer: no answers and no score' }),
  answers: Nullable(Type.Array(Nullable(Type.Integer()))),
  total: Nullable(Type.Number()),
  rawTotal: Nullable(Type.Number()),
  complete: Type.Boolean(),
  items: Type.Array(ItemScore),
  scores: Type.Array(ReportedScore),
  recordedBy: Nullable(Type.String()),
  recordedAt: Type.String({ format: 'date-time' }),
});

export const RecordBody = Type.Object(
  {
    measure: Type.String({ maxLength: 40, description: 'Measure code, e.g. ons4' }),
    timepoint: Type.String({ description: 'baseline, review or closure' }),
    completedOn: Type.String({ description: 'YYYY-MM-DD, today or earlier' }),
    declined: Type.Optional(Type.Boolean({ description: 'true when the person declined to answer; leave out answers' })),
    answers: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 200 })),
  },
  { additionalProperties: false },
);

const PlannedMeasure = Type.Object({
  cohort: Type.Union([Type.Literal('everyone'), Type.Literal('multiple-disadvantage')]),
  code: Type.String({ maxLength: 40 }),
  timepoints: Type.Array(Timepoint, { minItems: 1, maxItems: 3 }),
});

export const CaseMeasuresSchema = Type.Object({
  caseId: Type.String({ format: 'uuid' }),
  multipleDisadvantage: Type.Boolean(),
  plan: Type.Array(Type.Object({ cohort: Type.String(), code: Type.String(), name: Type.String(), timepoints: Type.Array(Timepoint) }), {
    description: 'The measures the programme asks for on this case, and when',
  }),
  items: Type.Array(MeasureRecordSchema),
  gpAttendance: Nullable(Type.Object({ before: Nullable(Type.Integer()), after: Nullable(Type.Integer()) }, { description: 'GP appointments in the 6 months before and after referral; null when the programme does not collect it' })),
});

export const ProgrammeSettingsSchema = Type.Object({
  programmeId: Type.String({ format: 'uuid' }),
  usingDefaults: Type.Boolean(),
  measures: Type.Array(PlannedMeasure),
  gpAttendance: Type.Boolean(),
  uclaLonelyFrom: Nullable(Type.Integer()),
});

export const ProgrammeSettingsBody = Type.Object(
  {
    measures: Type.Array(PlannedMeasure, { maxItems: 40, description: 'Empty: use the defaults (ONS4 for everyone; NDT too for the multiple-disadvantage cohort)' }),
    gpAttendance: Type.Boolean(),
    uclaLonelyFrom: Nullable(Type.Integer({ description: 'A UCLA-3 "lonely" cut-off the service chooses (the often-quoted 6+ is unverified); null for none' })),
  },
  { additionalProperties: false },
);

export const GpAttendanceBody = Type.Object(
  {
    before: Nullable(Type.Integer({ description: 'GP appointments in the 6 months before referral' })),
    after: Nullable(Type.Integer({ description: 'GP appointments in the 6 months after referral' })),
  },
  { additionalProperties: false },
);
