import { FieldErrors } from '../../../platform/errors.js';
import { bandFor, itemRange, rawRange, type Band, type Direction, type MeasureDefinition } from './definition.js';

/**
 * The one scoring engine: the API's preview, the recording form and stored records all use it, so a
 * measure is scored the same way everywhere. Pure: no database, no clock.
 */

/** An answer is a whole number on the measure's scale, or null when the person did not answer that item. */
export type Answer = number | null;

export interface ItemScore {
  key: string;
  label: string;
  answer: Answer;
  /** The answer times the item's multiplier; null when not answered. */
  score: number | null;
  band: string | null;
}

/** A number the measure reports: each item for per-item measures, else the total (or metric) score. */
export interface ReportedScore {
  key: string;
  label: string;
  value: number;
  min: number;
  max: number;
  direction: Direction;
  band: string | null;
}

export interface ScoreResult {
  code: string;
  items: ItemScore[];
  /** Every item answered. Totals need it; per-item measures report what was answered. */
  complete: boolean;
  /** Sum of item scores when complete (the raw score before a lookup table). */
  rawTotal: number | null;
  /** The measure's single score (total, mean or metric) when it has one and every item is answered. */
  total: number | null;
  scores: ReportedScore[];
}

export interface ScoreOptions {
  /** Bands for the total that a service set (e.g. a UCLA-3 loneliness cut-off), replacing the measure's. */
  totalBands?: Band[];
}

/**
 * Checks answers against the definition and throws ValidationFailed naming each bad one
 * (`answers[3]`, zero-based like the JSON array), or `answers` for the wrong count.
 */
export function checkAnswers(definition: MeasureDefinition, answers: unknown): Answer[] {
  const errors = new FieldErrors();
  if (!Array.isArray(answers)) {
    errors.add('answers', `Send a list of ${definition.items.length} answers`).throwIfAny();
    return [];
  }
  if (answers.length !== definition.items.length) {
    errors.add('answers', `${definition.name} has ${definition.items.length} questions: send ${definition.items.length} answers (null for one not answered), not ${answers.length}`);
    errors.throwIfAny();
  }
  const { min, max } = definition.scale;
  answers.forEach((answer, i) => {
    if (answer === null) return;
    if (typeof answer !== 'number' || !Number.isInteger(answer) || answer < min || answer > max) {
      errors.add(`answers[${i}]`, `Answer to “${definition.items[i]!.label}” must be a whole number from ${min} to ${max}`);
    }
  });
  errors.throwIfAny();
  return answers as Answer[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function score(definition: MeasureDefinition, rawAnswers: unknown, options: ScoreOptions = {}): ScoreResult {
  const answers = checkAnswers(definition, rawAnswers);
  const items: ItemScore[] = definition.items.map((item, i) => {
    const answer = answers[i]!;
    const itemScore = answer === null ? null : answer * (item.multiplier ?? 1);
    return { key: item.key, label: item.label, answer, score: itemScore, band: itemScore === null ? null : bandFor(item.bands, itemScore) };
  });
  const complete = items.every((item) => item.score !== null);
  const rawTotal = complete ? items.reduce((sum, item) => sum + item.score!, 0) : null;
  const rule = definition.scoring;

  if (rule.kind === 'per-item') {
    const scores = definition.items.flatMap((item, i): ReportedScore[] => {
      const value = items[i]!.score;
      if (value === null) return [];
      const range = itemRange(definition, item);
      return [{ key: item.key, label: item.label, value, ...range, direction: item.direction ?? 'higher-is-better', band: items[i]!.band }];
    });
    return { code: definition.code, items, complete, rawTotal: null, total: null, scores };
  }

  if (rawTotal === null) return { code: definition.code, items, complete, rawTotal: null, total: null, scores: [] };

  const raw = rawRange(definition);
  const bands = options.totalBands ?? rule.bands;
  let total: number;
  let range: { min: number; max: number };
  let label: string;
  if (rule.kind === 'sum') {
    total = rawTotal;
    range = raw;
    label = 'Total';
  } else if (rule.kind === 'mean') {
    total = round2(rawTotal / items.length);
    range = { min: definition.scale.min, max: definition.scale.max };
    label = 'Mean';
  } else {
    // A definition is checked on save to cover every raw score; a gap here is a broken definition.
    const value = rule.values[rawTotal - rule.rawFrom];
    if (value === undefined) throw new Error(`${definition.code}: no table value for raw score ${rawTotal}`);
    total = value;
    range = { min: Math.min(...rule.values), max: Math.max(...rule.values) };
    label = rule.scoreLabel;
  }
  return {
    code: definition.code,
    items,
    complete,
    rawTotal,
    total,
    scores: [{ key: 'total', label, value: total, ...range, direction: rule.direction, band: bandFor(bands, total) }],
  };
}
