import type { Direction } from './measures/definition.js';

/**
 * Paired change: how one score moved for the people who have both a baseline and a follow-up of the
 * same measure. People with a baseline only are counted apart (a missing follow-up is not "no
 * change"), and n is always given with the means. Pure, so reports and exports share it.
 */

export type Timepoint = 'baseline' | 'review' | 'closure';

export interface ScoredObservation {
  personId: string;
  timepoint: Timepoint;
  /** YYYY-MM-DD: the day the person completed it (may have been entered later from paper). */
  completedOn: string;
  value: number;
}

export interface PairedChange {
  /** People with both a baseline and a follow-up: the only people the means describe. */
  n: number;
  /** People with a baseline and no follow-up yet (completion is reported, not guessed). */
  baselineOnly: number;
  baselineMean: number | null;
  followUpMean: number | null;
  /** Follow-up minus baseline, averaged over the n pairs. */
  meanChange: number | null;
  /** Counted in the measure's direction: a fall in a lower-is-better score is an improvement. */
  improved: number;
  unchanged: number;
  worsened: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const mean = (values: number[]) => (values.length === 0 ? null : round2(values.reduce((a, b) => a + b, 0) / values.length));

/**
 * For each person: the earliest baseline, paired with their latest review or closure completed on or
 * after it. Give observations of one score of one measure (declined records have no score and are
 * left out by the caller).
 */
export function pairedChange(observations: readonly ScoredObservation[], direction: Direction): PairedChange {
  const byPerson = new Map<string, { baseline?: ScoredObservation; followUp?: ScoredObservation }>();
  const sorted = [...observations].sort((a, b) => a.completedOn.localeCompare(b.completedOn));
  for (const observation of sorted) {
    const entry = byPerson.get(observation.personId) ?? {};
    if (observation.timepoint === 'baseline') entry.baseline ??= observation;
    byPerson.set(observation.personId, entry);
  }
  for (const observation of sorted) {
    const entry = byPerson.get(observation.personId)!;
    if (observation.timepoint !== 'baseline' && entry.baseline && observation.completedOn >= entry.baseline.completedOn) entry.followUp = observation;
  }

  const baselines: number[] = [];
  const followUps: number[] = [];
  const changes: number[] = [];
  let baselineOnly = 0;
  let improved = 0;
  let unchanged = 0;
  let worsened = 0;
  for (const { baseline, followUp } of byPerson.values()) {
    if (!baseline) continue;
    if (!followUp) {
      baselineOnly++;
      continue;
    }
    const change = followUp.value - baseline.value;
    baselines.push(baseline.value);
    followUps.push(followUp.value);
    changes.push(change);
    const better = direction === 'higher-is-better' ? change > 0 : change < 0;
    if (change === 0) unchanged++;
    else if (better) improved++;
    else worsened++;
  }
  return {
    n: changes.length,
    baselineOnly,
    baselineMean: mean(baselines),
    followUpMean: mean(followUps),
    meanChange: mean(changes),
    improved,
    unchanged,
    worsened,
  };
}
