import type { Band, MeasureDefinition } from './definition.js';

/*
 * The built-in measures, from ../shared/domain/outcome-measures.md (published sources). Every number
 * here is a published fact; where a fact is unverified (UCLA-3's "lonely" cut-off) it is a setting
 * that is off unless a service turns it on.
 */

const ONS_BANDS: Band[] = [
  { from: 0, to: 4, label: 'Low' },
  { from: 5, to: 6, label: 'Medium' },
  { from: 7, to: 8, label: 'High' },
  { from: 9, to: 10, label: 'Very high' },
];

// Anxiety runs the other way: a low score is the good one.
const ONS_ANXIETY_BANDS: Band[] = [
  { from: 0, to: 1, label: 'Very low' },
  { from: 2, to: 3, label: 'Low' },
  { from: 4, to: 5, label: 'Medium' },
  { from: 6, to: 10, label: 'High' },
];

export const ONS4: MeasureDefinition = {
  code: 'ons4',
  name: 'ONS4 personal wellbeing',
  description:
    'The Office for National Statistics’ four personal wellbeing questions, each answered from 0 (not at all) to 10 (completely). ' +
    'Each is reported on its own, never added up. Higher is better for life satisfaction, worthwhile and happiness; lower is better for anxiety.',
  licenceNote: null,
  itemWordingShown: true,
  items: [
    { key: 'life-satisfaction', label: 'Overall, how satisfied are you with your life nowadays?', direction: 'higher-is-better', bands: ONS_BANDS },
    { key: 'worthwhile', label: 'Overall, to what extent do you feel that the things you do in your life are worthwhile?', direction: 'higher-is-better', bands: ONS_BANDS },
    { key: 'happy', label: 'Overall, how happy did you feel yesterday?', direction: 'higher-is-better', bands: ONS_BANDS },
    {
      key: 'anxious',
      label: 'On a scale where 0 is “not at all anxious” and 10 is “completely anxious”, overall, how anxious did you feel yesterday?',
      direction: 'lower-is-better',
      bands: ONS_ANXIETY_BANDS,
    },
  ],
  scale: { min: 0, max: 10, labels: [{ value: 0, label: 'Not at all' }, { value: 10, label: 'Completely' }] },
  scoring: { kind: 'per-item' },
  builtIn: true,
};

const WARWICK_NOTE =
  'The Warwick-Edinburgh scales are licensed by the University of Warwick: the wording is free for non-commercial NHS use after registration. ' +
  'Linkwork does not reproduce it; read each statement from your registered form and enter the number the person chose (1 to 5).';

/** Shown instead once an organisation has entered the wording under its own registration. */
export const WARWICK_REGISTERED_NOTE =
  'The Warwick-Edinburgh scales are licensed by the University of Warwick: the wording is free for non-commercial NHS use after registration. ' +
  'Your organisation entered this wording under its registration.';

/** SWEMWBS raw score 7 … 35 → metric score, in order (the published conversion table). */
export const SWEMWBS_METRIC = [
  7.0, 9.51, 11.25, 12.4, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11,
  25.03, 26.02, 27.03, 28.13, 29.31, 30.7, 32.55, 35.0,
];

const statements = (count: number) => Array.from({ length: count }, (_, i) => ({ key: `statement-${i + 1}`, label: `Statement ${i + 1}` }));

export const SWEMWBS: MeasureDefinition = {
  code: 'swemwbs',
  name: 'Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)',
  description:
    'Seven statements, each scored 1 to 5. The raw total (7 to 35) is converted to the metric score with the published table before it is reported or compared. ' +
    'All seven are needed: there is no score for partial answers. Higher is better.',
  licenceNote: WARWICK_NOTE,
  itemWordingShown: false,
  items: statements(7),
  scale: { min: 1, max: 5, labels: [] },
  scoring: { kind: 'lookup', direction: 'higher-is-better', rawFrom: 7, values: SWEMWBS_METRIC, scoreLabel: 'Metric score' },
  builtIn: true,
};

export const WEMWBS: MeasureDefinition = {
  code: 'wemwbs',
  name: 'Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)',
  description: 'Fourteen statements, each scored 1 to 5; the total runs from 14 to 70. A total is given only when every statement is answered. Higher is better.',
  licenceNote: WARWICK_NOTE,
  itemWordingShown: false,
  items: statements(14),
  scale: { min: 1, max: 5, labels: [] },
  scoring: { kind: 'sum', direction: 'higher-is-better' },
  builtIn: true,
};

export const UCLA3: MeasureDefinition = {
  code: 'ucla3',
  name: 'UCLA 3-item loneliness scale',
  description: 'Three questions answered hardly ever (1), some of the time (2) or often (3). The total runs from 3 to 9; higher means lonelier, so lower is better.',
  licenceNote: null,
  itemWordingShown: true,
  items: [
    { key: 'lack-companionship', label: 'How often do you feel you lack companionship?' },
    { key: 'left-out', label: 'How often do you feel left out?' },
    { key: 'isolated', label: 'How often do you feel isolated from others?' },
  ],
  scale: {
    min: 1,
    max: 3,
    labels: [
      { value: 1, label: 'Hardly ever' },
      { value: 2, label: 'Some of the time' },
      { value: 3, label: 'Often' },
    ],
  },
  scoring: { kind: 'sum', direction: 'lower-is-better' },
  builtIn: true,
};

/**
 * UCLA-3 bands when a service sets a "lonely" cut-off. The often-quoted 6+ is unverified, so there is
 * no cut-off unless the service chooses one.
 */
export function uclaBands(lonelyFrom: number): Band[] {
  return [
    { from: 3, to: lonelyFrom - 1, label: 'Below the service’s loneliness cut-off' },
    { from: lonelyFrom, to: 9, label: 'At or above the service’s loneliness cut-off' },
  ];
}

export const NDT: MeasureDefinition = {
  code: 'ndt',
  name: 'New Directions Team (NDT) assessment',
  description:
    'The "Chaos Index" used with people facing multiple disadvantage: ten areas rated 0 to 4 for the past month, with risk to others and risk from others counted double. ' +
    'The total runs from 0 to 48; higher means a more chaotic or complex situation, so lower is better. ' +
    '(The doubling follows the Fulfilling Lives evaluation data coding.) Rate each area with the NDT assessment guidance.',
  licenceNote: null,
  itemWordingShown: true,
  items: [
    { key: 'engagement', label: 'Engagement with frontline services' },
    { key: 'intentional-self-harm', label: 'Intentional self-harm' },
    { key: 'unintentional-self-harm', label: 'Unintentional self-harm' },
    { key: 'risk-to-others', label: 'Risk to others', multiplier: 2 },
    { key: 'risk-from-others', label: 'Risk from others', multiplier: 2 },
    { key: 'stress-and-anxiety', label: 'Stress and anxiety' },
    { key: 'social-effectiveness', label: 'Social effectiveness' },
    { key: 'alcohol-drug-misuse', label: 'Alcohol and drug misuse' },
    { key: 'impulse-control', label: 'Impulse control' },
    { key: 'housing', label: 'Housing' },
  ],
  scale: { min: 0, max: 4, labels: [] },
  scoring: { kind: 'sum', direction: 'lower-is-better' },
  builtIn: true,
};

export const BUILT_IN_MEASURES: readonly MeasureDefinition[] = [ONS4, SWEMWBS, UCLA3, NDT, WEMWBS];

export const BUILT_IN_CODES: readonly string[] = BUILT_IN_MEASURES.map((m) => m.code);

export function builtInMeasure(code: string): MeasureDefinition | undefined {
  return BUILT_IN_MEASURES.find((m) => m.code === code);
}
