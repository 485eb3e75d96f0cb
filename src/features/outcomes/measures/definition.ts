/**
 * An outcome measure as data: its items, the answer scale, and how answers become scores. Built-in
 * measures (ONS4, SWEMWBS, UCLA-3, NDT, WEMWBS) and the ones an administrator adds are the same shape
 * and are scored by the same engine (score.ts), so a licensed measure needs no code.
 */

/** Which way is better. Stated on every score so charts and reports never have to guess. */
export type Direction = 'higher-is-better' | 'lower-is-better';

export const DIRECTION_TEXT: Record<Direction, string> = {
  'higher-is-better': 'Higher is better',
  'lower-is-better': 'Lower is better',
};

/** A band covers whole scores from `from` to `to` inclusive (of a score's value). */
export interface Band {
  from: number;
  to: number;
  label: string;
}

export interface AnswerOption {
  value: number;
  label: string;
}

/** Answers are whole numbers from `min` to `max`; labels name some or all of them. */
export interface AnswerScale {
  min: number;
  max: number;
  labels: AnswerOption[];
}

export interface MeasureItem {
  key: string;
  /** What the form shows: the question, or a neutral label where the wording is licensed. */
  label: string;
  /** The item's score is the answer times this (NDT's risk domains count double). */
  multiplier?: number;
  /** Per-item measures (ONS4): each item is its own score with its own direction and bands. */
  direction?: Direction;
  bands?: Band[];
}

export type ScoringRule =
  /** Each item is reported on its own; no total (ONS4 is never summed). */
  | { kind: 'per-item' }
  /** The sum of item scores. */
  | { kind: 'sum'; direction: Direction; bands?: Band[] }
  /** The mean of item scores, to 2 decimal places. */
  | { kind: 'mean'; direction: Direction; bands?: Band[] }
  /**
   * The sum of item scores (the raw score) converted through a table: `values[i]` is the score for
   * raw `rawFrom + i`, covering every possible raw score.
   */
  | { kind: 'lookup'; direction: Direction; rawFrom: number; values: number[]; scoreLabel: string; bands?: Band[] };

export const SCORING_KINDS = ['per-item', 'sum', 'mean', 'lookup'] as const;
export type ScoringKind = (typeof SCORING_KINDS)[number];

export interface MeasureDefinition {
  code: string;
  name: string;
  /** Where the measure comes from and what the numbers mean. */
  description: string;
  /** Licensing of the wording, shown on forms and in the API. */
  licenceNote: string | null;
  /** False when the wording may not be reproduced here: staff read the questions from the licensed form. */
  itemWordingShown: boolean;
  items: MeasureItem[];
  scale: AnswerScale;
  scoring: ScoringRule;
  builtIn: boolean;
}

/** The least and most an item can score. */
export function itemRange(definition: Pick<MeasureDefinition, 'scale'>, item: MeasureItem): { min: number; max: number } {
  const multiplier = item.multiplier ?? 1;
  return { min: definition.scale.min * multiplier, max: definition.scale.max * multiplier };
}

/** The least and most the summed items can reach. */
export function rawRange(definition: Pick<MeasureDefinition, 'scale' | 'items'>): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const item of definition.items) {
    const range = itemRange(definition, item);
    min += range.min;
    max += range.max;
  }
  return { min, max };
}

export function bandFor(bands: Band[] | undefined, value: number): string | null {
  return bands?.find((band) => value >= band.from && value <= band.to)?.label ?? null;
}
