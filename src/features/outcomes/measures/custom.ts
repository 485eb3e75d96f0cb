import { FieldErrors } from '../../../platform/errors.js';
import { BUILT_IN_CODES } from './builtin.js';
import { rawRange, SCORING_KINDS, type AnswerOption, type Direction, type MeasureDefinition, type ScoringRule } from './definition.js';

/**
 * A measure an administrator defines as data (e.g. a licensed Outcomes Star the service holds a
 * licence for): items, one answer scale and a scoring rule from the fixed set. Checked here before it
 * is saved, so the scoring engine can trust it.
 */
export interface CustomMeasureInput {
  code: string;
  name: string;
  description?: string;
  licenceNote?: string;
  items: string[];
  scale: { min: number; max: number; labels?: AnswerOption[] };
  scoring: { kind: string; direction: string; values?: number[]; scoreLabel?: string };
}

const CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DIRECTIONS: readonly Direction[] = ['higher-is-better', 'lower-is-better'];
export const MAX_ITEMS = 60;

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

export function checkCustomMeasure(input: CustomMeasureInput): MeasureDefinition {
  const errors = new FieldErrors();
  const code = (input.code ?? '').trim().toLowerCase();
  if (!CODE.test(code) || code.length > 40) errors.add('code', 'Enter a short code of 1 to 40 lower-case letters, numbers and hyphens, like outcomes-star');
  else if (BUILT_IN_CODES.includes(code)) errors.add('code', `${code} is a built-in measure: choose another code`);
  const name = (input.name ?? '').trim();
  if (name === '' || name.length > 200) errors.add('name', 'Enter the measure’s name (200 characters or fewer)');
  const description = (input.description ?? '').trim();
  if (description.length > 2000) errors.add('description', 'Description must be 2,000 characters or fewer');
  const licenceNote = (input.licenceNote ?? '').trim();
  if (licenceNote.length > 1000) errors.add('licenceNote', 'Licence note must be 1,000 characters or fewer');

  const items = Array.isArray(input.items) ? input.items.map((label) => String(label ?? '').trim()) : [];
  if (items.length === 0 || items.length > MAX_ITEMS) errors.add('items', `Enter between 1 and ${MAX_ITEMS} questions`);
  items.forEach((label, i) => {
    if (label === '' || label.length > 500) errors.add(`items[${i}]`, `Question ${i + 1} must be 1 to 500 characters`);
  });

  const { min, max } = input.scale ?? ({} as CustomMeasureInput['scale']);
  const scaleOk = isInt(min) && isInt(max) && min >= 0 && max > min && max <= 100;
  if (!scaleOk) errors.add('scale', 'Answers must run between two whole numbers from 0 to 100, the lowest first');
  const labels = (input.scale?.labels ?? []).map((option) => ({ value: option.value, label: String(option.label ?? '').trim() }));
  labels.forEach((option, i) => {
    if (!isInt(option.value) || (scaleOk && (option.value < min || option.value > max)) || option.label === '' || option.label.length > 100) {
      errors.add(`scale.labels[${i}]`, 'Each answer label needs a value on the scale and a name of up to 100 characters');
    }
  });

  const kind = input.scoring?.kind;
  const direction = input.scoring?.direction as Direction;
  if (!(SCORING_KINDS as readonly string[]).includes(kind)) errors.add('scoring.kind', `Choose how it is scored: ${SCORING_KINDS.join(', ')}`);
  if (!DIRECTIONS.includes(direction)) errors.add('scoring.direction', 'Say whether higher or lower scores are better');

  let scoring: ScoringRule = { kind: 'per-item' };
  if (kind === 'sum' || kind === 'mean') scoring = { kind, direction };
  if (kind === 'lookup') {
    const values = input.scoring.values ?? [];
    const scoreLabel = (input.scoring.scoreLabel ?? '').trim() || 'Score';
    if (scaleOk && items.length > 0) {
      const raw = rawRange({ scale: { min, max, labels: [] }, items: items.map((label, i) => ({ key: `item-${i + 1}`, label })) });
      const needed = raw.max - raw.min + 1;
      if (!Array.isArray(values) || values.length !== needed || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        errors.add('scoring.values', `The table needs one number for every total from ${raw.min} to ${raw.max} (${needed} numbers)`);
      }
      scoring = { kind: 'lookup', direction, rawFrom: raw.min, values, scoreLabel };
    }
  }
  errors.throwIfAny();

  return {
    code,
    name,
    description,
    licenceNote: licenceNote || null,
    itemWordingShown: true,
    items: items.map((label, i) => ({ key: `item-${i + 1}`, label, ...(kind === 'per-item' ? { direction } : {}) })),
    scale: { min, max, labels },
    scoring,
    builtIn: false,
  };
}
