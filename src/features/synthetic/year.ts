import type { ReferralStatus, TimepointName } from '../../platform/db/schema.js';
import { idMaker } from '../../platform/generate/ids.js';
import { createRandom, logNormal, normal, streamSeed, type Random } from '../../platform/generate/random.js';
import { generateDirectory, type TermIds } from '../directory/generate/generate.js';
import type { OfferState } from '../offers/rules.js';
import { builtInMeasure } from '../outcomes/measures/builtin.js';
import { score } from '../outcomes/measures/score.js';
import { DEFAULT_PLAN, scoreOptions, storedScores, type PlannedMeasure } from '../outcomes/service.js';
import { neutralClosure, neutralStatus, type MultipleDisadvantage } from '../referrals/rules.js';
import { answersFor, offerCount, personLevel, pickServices, planContacts, planOfferSteps, workingTimeAfter, type AnswerModel, type OfferableService } from './casework.js';
import type { Nation, Pcn, Referrer, User } from './nation.js';
import { syntheticName } from './names.js';
import {
  ageAtReferral,
  hasNhsNumber,
  isUrgent,
  journey,
  MD_SHARE,
  mdIndicators,
  noFixedAbode,
  pickNeeds,
  pickSource,
  reasonFor,
  receivedAt,
  testMobile,
  testNhsNumbers,
  type Journey,
  type SourceKind,
} from './shape.js';
import type { RowSink } from './tables.js';

/**
 * The year, one PCN service at a time, as a pipeline of stages. Each stage:
 *  - draws from its own random stream per PCN (seeded by the run's seed, the stage's name and the
 *    PCN), and makes ids in its own namespace, so adding a stage, or changing what one draws, never
 *    changes another stage's rows;
 *  - reads what earlier stages made for this PCN (`year.referrals`: people, referrals, cases and
 *    their dates) and adds rows to the sink, by the organisation whose context they need.
 * A later layer (contacts, offers, outcome measures) is one more Stage appended in stages():
 *  1. its tables' columns in tables.ts (NATIONAL_TABLES) and their place in TENANT_ORDER, after the
 *     tables they refer to (support_case, person);
 *  2. a Stage reading `year.referrals` — e.g. contacts between `journey.firstContactAt` and
 *     `journey.closedAt ?? end` by `linkWorker` on `caseId`; offers from the PCN's directory
 *     services; outcome measures at baseline (first contact) and follow-up (closure) — and adding
 *     rows with `sink.add(pcn.org.id, table, row)`; it may add to the Tally for the summary;
 *  3. if a later stage needs what an earlier one made (offers need contacts), the earlier stage
 *     keeps it on the GeneratedReferral or PcnYear, never by drawing from another stage's stream.
 * Only one PCN's year is in memory at a time (about 800 referrals at national scale).
 */

export interface YearOptions {
  seed: number;
  /** The first day of the year, and the day after its last (UTC midnight, ms). */
  start: number;
  end: number;
}

/** What the referrals stage made for one referral; later stages build on it. */
export interface GeneratedReferral {
  pcn: Pcn;
  referralId: string;
  personId: string;
  caseId: string | null;
  md: readonly MultipleDisadvantage[];
  needs: readonly string[];
  /** The person's postcode district, or the PCN's when they have no fixed abode. */
  district: string;
  source: SourceKind;
  urgent: boolean;
  journey: Journey;
  linkWorker: User | null;
}

export interface PcnYear {
  pcn: Pcn;
  referrals: GeneratedReferral[];
  /** The PCN's own directory services that can be offered (active, published), kept by the directory stage. */
  services: OfferableService[];
}

/** Running totals for the summary; every stage may add to them. */
export interface Tally {
  referrals: number;
  md: number;
  redirectedIn: number;
  statuses: Partial<Record<ReferralStatus, number>>;
  sources: Partial<Record<SourceKind, number>>;
  /** Waits in whole hours, received → accepted and received → first contact. */
  toAccept: Map<number, number>;
  toFirstContact: Map<number, number>;
  /** Offers by where they got to, and introductions (accompanied or not) by cohort. */
  offers: Partial<Record<OfferState, number>>;
  introductions: { md: number; mdAccompanied: number; others: number; othersAccompanied: number };
  /** Measures recorded: at baseline, at follow-up (review or closure), and declined. */
  measures: { baseline: number; followUp: number; declined: number };
}

export function newTally(): Tally {
  return {
    referrals: 0, md: 0, redirectedIn: 0, statuses: {}, sources: {}, toAccept: new Map(), toFirstContact: new Map(),
    offers: {}, introductions: { md: 0, mdAccompanied: 0, others: 0, othersAccompanied: 0 }, measures: { baseline: 0, followUp: 0, declined: 0 },
  };
}

export interface StageContext {
  nation: Nation;
  options: YearOptions;
  terms: TermIds;
  tally: Tally;
}

export interface Stage {
  name: string;
  /** Adds this stage's rows for one PCN's year. `nextId(table)` gives ids in the stage's own namespace. */
  run(random: Random, nextId: (table: number) => string, year: PcnYear, sink: RowSink, context: StageContext): void;
}

const DAY = 86_400_000;
const days = new Map<number, string>();
const two = (n: number) => (n < 10 ? `0${n}` : String(n));
/** new Date(ms).toISOString(), without a Date per call: a year has millions of timestamps. */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  let date = days.get(day);
  if (date === undefined) days.set(day, (date = new Date(day * DAY).toISOString().slice(0, 11)));
  const t = ms - day * DAY;
  const ms3 = t % 1000;
  return `${date}${two(Math.floor(t / 3_600_000))}:${two(Math.floor(t / 60_000) % 60)}:${two(Math.floor(t / 1000) % 60)}.${ms3 < 10 ? '00' : ms3 < 100 ? '0' : ''}${ms3}Z`;
}

// ---- referrals: people, referrals and their history, receipts, cases --------------------------------

const ID = { person: 1, referral: 2, case: 3 } as const;
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const INTERPRETER = ['Polish', 'Urdu', 'Punjabi', 'Bengali', 'Arabic', 'Romanian', 'Somali', 'Portuguese', 'Tigrinya', 'Ukrainian', 'British Sign Language'];
const ACCESSIBILITY = ['Uses a wheelchair', 'Partially sighted: large print, please', 'Hard of hearing: face them when speaking', 'Easy read, please'];
const VIA = ['Through their hostel key worker', 'Through their support worker at the day centre', 'Through their daughter, who helps with appointments', 'Through their housing officer'];
const RISK = ['Lone working: meet in a public place or visit in pairs.', 'May be distressed on first contact; go gently.', 'Can find phone calls hard; text first.'];
const PAUSE = ['In hospital for a while', 'Asked to pause while things settle', null];

/**
 * A referral's unique reference (LW-XXXX-XXXX, as the service makes them): the run's n-th referral
 * through an odd multiplier modulo 32^8, so no two referrals of a seed share one.
 */
function referenceMaker(seed: number): (n: number) => string {
  const modulus = 2n ** 40n;
  const multiplier = BigInt(streamSeed(seed, 'references') | 1) * 2654435761n % modulus | 1n;
  const offset = BigInt(streamSeed(seed, 'reference-offset'));
  return (n) => {
    let x = (BigInt(n) * multiplier + offset) % modulus;
    let out = '';
    for (let i = 0; i < 8; i++) {
      out += REFERENCE_ALPHABET[Number(x & 31n)];
      x >>= 5n;
    }
    return `LW-${out.slice(0, 4)}-${out.slice(4)}`;
  };
}

interface Source {
  kind: SourceKind;
  referrer: Referrer | null;
  user: User | null;
}

function resolveSource(random: Random, pcn: Pcn, kind: SourceKind): Source {
  const referrer =
    kind === 'gp-practice' ? pcn.pickPractice(random)
    : kind === 'vcse' ? random.pick(pcn.vcse)
    : kind === 'housing' ? random.pick(pcn.icb.housing)
    : kind === 'other-referrer' ? random.pick(pcn.icb.others)
    : kind === 'local-authority' ? pcn.icb.localAuthority
    : null;
  // Where the ICB has no commissioning local authority, its council's referrals come through practices.
  if (kind === 'local-authority' && !referrer) return resolveSource(random, pcn, 'gp-practice');
  return { kind, referrer, user: referrer ? random.pick(referrer.users) : null };
}

export function referralsStage(seed: number): Stage {
  const reference = referenceMaker(seed);
  const nhsNumber = testNhsNumbers(seed);
  let referenceCount = 0;
  let nhsCount = 0;

  return {
    name: 'referrals',
    run(random, nextId, year, sink, { options, nation, tally }) {
      const { pcn } = year;
      for (let i = 0; i < pcn.referrals; i++) {
        const md = random.chance(MD_SHARE) ? mdIndicators(random) : [];
        const source = resolveSource(random, pcn, pickSource(random, md.length > 0));
        const urgent = isUrgent(random, md.length > 0);
        const received = receivedAt(random, options.start, options.end, source.kind === 'self');
        const person = makePerson(random, pcn, md, received);
        const needs = pickNeeds(random, md);
        const reason = reasonFor(random, needs);
        const riskNotes = md.length && random.chance(0.3) ? random.pick(RISK) : null;
        const consent = source.kind === 'self' ? { by: 'person', method: 'online' } : { by: random.chance(0.07) ? 'representative' : 'person', method: random.chance(0.7) ? 'verbal' : 'written' };
        tally.sources[source.kind] = (tally.sources[source.kind] ?? 0) + 1;

        // A referral passed on goes to another service of the same ICB, as a new referral there.
        let at: Pcn = pcn;
        let receivedHere = received;
        let receivedBy: User | null = source.user;
        const nhs = person.hasNhs ? nhsNumber(nhsCount++) : null;
        // Passed back to a service that has them already: it finds them by NHS number, as the service does.
        const known = new Map<Pcn, string>();
        for (;;) {
          const path = journey(random, receivedHere, options.end, urgent, md.length > 0);
          const to = path.redirected ? otherPcn(random, nation, at) : null;
          const made = writeReferral(random, nextId, sink, {
            pcn: at, source, person, needs, md, reason, riskNotes, consent, urgent, path, to, receivedBy,
            reference: reference(referenceCount++), nhsNumber: nhs, personId: nhs ? known.get(at) ?? null : null,
          });
          known.set(at, made.generated.personId);
          year.referrals.push(made.generated);
          tally.referrals++;
          if (md.length) tally.md++;
          if (at !== pcn) tally.redirectedIn++;
          tally.statuses[path.status] = (tally.statuses[path.status] ?? 0) + 1;
          if (path.acceptedAt !== null) bump(tally.toAccept, path.acceptedAt - receivedHere);
          if (path.firstContactAt !== null) bump(tally.toFirstContact, path.firstContactAt - receivedHere);
          if (!to) break;
          at = to;
          receivedHere = path.closedAt!;
          receivedBy = made.triagedBy;
        }
      }

      function writeReferral(random: Random, nextId: (table: number) => string, sink: RowSink, r: {
        pcn: Pcn; source: Source; person: Person; needs: string[]; md: MultipleDisadvantage[]; reason: string; riskNotes: string | null;
        consent: { by: string; method: string }; urgent: boolean; path: Journey; to: Pcn | null; receivedBy: User | null; reference: string; nhsNumber: string | null;
        personId: string | null;
      }): { generated: GeneratedReferral; triagedBy: User } {
        const org = r.pcn.org.id;
        const personId = r.personId ?? nextId(ID.person);
        const referralId = nextId(ID.referral);
        const p = r.person;
        const received = r.path.steps[0]!.at;
        if (!r.personId) {
          sink.add(org, 'person', [
            org, personId, p.given, p.family, p.preferred, p.dateOfBirth, r.nhsNumber, p.postcode, p.postcode === null, p.phone, p.email,
            p.safeToLeaveMessage, p.preferredContact, p.contactNotes, p.interpreter, p.accessibility, iso(received), iso(received),
          ]);
        }
        const linkWorker = r.path.allocatedAt !== null ? random.pick(r.pcn.linkWorkers) : null;
        const teamLead = r.pcn.teamLead;
        let caseId: string | null = null;
        if (r.path.acceptedAt !== null) {
          caseId = nextId(ID.case);
          const closed = r.path.closedAt !== null;
          // A case paused at the end of the year is due a review four weeks after the pause.
          const review = r.path.status === 'paused' ? iso(r.path.steps.at(-1)!.at + 28 * DAY).slice(0, 10) : null;
          sink.add(org, 'support_case', [
            org, caseId, r.pcn.programmeId, personId, referralId, closed ? 'closed' : r.path.status === 'paused' ? 'paused' : 'open', linkWorker?.id ?? null,
            r.md.length > 0, iso(r.path.acceptedAt), closed ? iso(r.path.closedAt!) : null, closed ? r.path.closeReason : null,
            r.path.allocatedAt !== null ? iso(r.path.allocatedAt) : null, r.path.firstContactAt !== null ? iso(r.path.firstContactAt).slice(0, 10) : null, review,
          ]);
        }
        const redirectedTo = r.to ? referralIdAfter(referralId) : null;
        const last = r.path.steps.at(-1)!;
        sink.add(org, 'referral', [
          org, referralId, r.reference, r.pcn.programmeId, personId, r.source.kind === 'self' ? 'self' : 'professional', r.source.referrer?.org.id ?? null,
          r.source.user?.id ?? null, r.reason, r.urgent ? 'urgent' : 'routine', r.needs.join(','), r.md.join(','), r.riskNotes, true, r.consent.by,
          r.consent.method, iso(received), r.path.status, r.path.statusBeforePause, iso(last.at), r.path.closeReason, caseId, redirectedTo, iso(received),
        ]);
        for (const step of r.path.steps) {
          const actor =
            step.action === 'receive' ? r.receivedBy
            : step.action === 'accept' || step.action === 'decline' || step.action === 'redirect' || step.action === 'allocate' ? teamLead
            : linkWorker;
          const reason =
            step.action === 'allocate' ? `Allocated to ${linkWorker!.name}`
            : step.action === 'redirect' ? `Passed to ${r.to!.org.name}`
            : step.action === 'pause' ? random.pick(PAUSE)
            : step.closeReason;
          sink.add(org, 'referral_event', [
            org, referralId, step.action, step.from, step.to, reason, actor?.id ?? null, actor ? actor.id : 'self-referral', iso(step.at), step.snomedCode,
          ]);
        }
        if (r.source.referrer) {
          // The receipt's status changed when the neutral status last did.
          let changed = received;
          for (const step of r.path.steps) if (step.from && neutralStatus(step.from) !== neutralStatus(step.to)) changed = step.at;
          const status = neutralStatus(r.path.status);
          sink.add(org, 'referral_receipt', [
            r.source.referrer.org.id, referralId, org, r.reference, `${p.given} ${p.family}`, r.source.user?.id ?? null, status, iso(changed),
            status === 'closed' ? neutralClosure(r.path.closeReason) : null, r.urgent ? 'urgent' : 'routine', iso(received),
          ]);
        }
        return {
          generated: {
            pcn: r.pcn, referralId, personId, caseId, md: r.md, needs: r.needs, district: p.district ?? r.pcn.district, source: r.source.kind, urgent: r.urgent,
            journey: r.path, linkWorker,
          },
          triagedBy: teamLead,
        };
      }
    },
  };
}

/** The id the next referral will get: a redirect points at the referral it is about to make. */
function referralIdAfter(id: string): string {
  const n = parseInt(id.slice(-12), 16) + 1;
  return `${id.slice(0, -12)}${n.toString(16).padStart(12, '0')}`;
}

function otherPcn(random: Random, nation: Nation, from: Pcn): Pcn {
  const near = from.icb.pcns.filter((p) => p !== from);
  return near.length ? random.pick(near) : random.pick(nation.pcns.filter((p) => p !== from));
}

function bump(histogram: Map<number, number>, ms: number): void {
  const hours = Math.floor(ms / 3_600_000);
  histogram.set(hours, (histogram.get(hours) ?? 0) + 1);
}

interface Person {
  given: string;
  family: string;
  preferred: string | null;
  dateOfBirth: string;
  hasNhs: boolean;
  postcode: string | null;
  district: string | null;
  phone: string | null;
  email: string | null;
  safeToLeaveMessage: boolean;
  preferredContact: string;
  contactNotes: string | null;
  interpreter: string | null;
  accessibility: string | null;
}

const UNIT = 'ABDEFGHJLNPQRSTUWXYZ';

function makePerson(random: Random, pcn: Pcn, md: readonly MultipleDisadvantage[], received: number): Person {
  const name = syntheticName(random);
  const age = ageAtReferral(random, md.length > 0);
  const born = new Date(received - age * 365.25 * DAY - random.int(0, 364) * DAY).toISOString().slice(0, 10);
  const nfa = noFixedAbode(random, md);
  const sector = random.chance(0.85) ? pcn.pickSector(random) : pcn.icb.pickSector(random);
  const postcode = nfa ? null : `${sector.sector}${UNIT[random.int(0, UNIT.length - 1)]}${UNIT[random.int(0, UNIT.length - 1)]}`;
  const via = md.length > 0 && random.chance(nfa ? 0.5 : 0.2);
  const roll = random.next();
  const preferredContact = via ? 'via-someone-else' : roll < 0.55 ? 'phone' : roll < 0.8 ? 'text' : roll < 0.9 ? 'email' : 'letter';
  const phone = preferredContact === 'phone' || preferredContact === 'text' || random.chance(0.5) ? testMobile(random) : null;
  return {
    given: name.given,
    family: name.family,
    preferred: random.chance(0.05) ? name.given.slice(0, 3) : null,
    dateOfBirth: born,
    hasNhs: hasNhsNumber(random, md.length > 0),
    postcode,
    district: nfa ? null : sector.district,
    phone,
    email: preferredContact === 'email' ? `${name.given}.${name.family}@example.com`.toLowerCase() : null,
    safeToLeaveMessage: phone !== null && random.chance(0.6),
    preferredContact: preferredContact === 'letter' && nfa ? 'via-someone-else' : preferredContact,
    contactNotes: via || (preferredContact === 'letter' && nfa) ? random.pick(VIA) : null,
    interpreter: random.chance(0.03) ? random.pick(INTERPRETER) : null,
    accessibility: random.chance(0.05) ? random.pick(ACCESSIBILITY) : null,
  };
}

// ---- unmet needs ---------------------------------------------------------------------------------

/**
 * While someone is engaged, their link worker sometimes finds nothing suitable for a need and
 * records it (need, area, date; no person): about one engaged person in eight, one in four in the
 * MD cohort.
 */
export function unmetNeedsStage(): Stage {
  return {
    name: 'unmet-needs',
    run(random, nextId, year, sink, { options }) {
      for (const r of year.referrals) {
        const engaged = r.journey.engagedAt;
        if (engaged === null || !random.chance(r.md.length ? 0.25 : 0.12)) continue;
        const until = r.journey.closedAt ?? options.end - 1;
        const count = random.chance(0.8) ? 1 : 2;
        for (const need of random.sample(r.needs, count)) {
          const on = new Date(engaged + random.next() * (until - engaged)).toISOString().slice(0, 10);
          sink.add(r.pcn.org.id, 'unmet_need', [r.pcn.org.id, nextId(1), need, r.district, on, r.linkWorker!.id]);
        }
      }
    },
  };
}

// ---- the community directory ---------------------------------------------------------------------

/** Each PCN service curates its share of the directory, on the postcode sectors of its district. */
export function directoryStage(): Stage {
  return {
    name: 'directory',
    run(random, _nextId, year, sink, { options, terms }) {
      const { pcn } = year;
      if (pcn.services === 0) return;
      const batches = generateDirectory(
        { organisationId: pcn.org.id, count: pcn.services, seed: random.int(1, 2 ** 31 - 1), asOf: new Date(options.end - DAY).toISOString().slice(0, 10), batchSize: pcn.services, sectors: pcn.sectors },
        terms,
      );
      const needOf = new Map([...terms.needs].map(([code, id]) => [id, code]));
      for (const batch of batches) {
        for (const [table, rows] of Object.entries(batch)) sink.addAll(pcn.org.id, table as keyof typeof batch, rows);
        // What the offers stage may suggest: active, published services, with the needs they meet.
        const needs = new Map<string, string[]>();
        for (const row of batch.directory_attribute) {
          const need = needOf.get(row[5] as string);
          if (need) (needs.get(row[2] as string) ?? needs.set(row[2] as string, []).get(row[2] as string)!).push(need);
        }
        for (const row of batch.directory_service) {
          if (row[7] === 'active' && row[15] === true) year.services.push({ id: row[1] as string, name: row[3] as string, needs: needs.get(row[1] as string) ?? [] });
        }
      }
    },
  };
}

// ---- contacts -------------------------------------------------------------------------------------

/** Each case's contacts by its link worker (planContacts), with no note text: notes are never synthesised. */
export function contactsStage(): Stage {
  return {
    name: 'contacts',
    run(random, nextId, year, sink, { options }) {
      for (const r of year.referrals) {
        if (!r.caseId || !r.linkWorker) continue;
        const org = r.pcn.org.id;
        for (const c of planContacts(random, r.journey, r.md.length > 0, options.end)) {
          const day = iso(c.at).slice(0, 10);
          sink.add(org, 'case_contact', [
            org, nextId(1), r.caseId, day, c.type, c.minutes, c.location, null, false, c.nextStep,
            c.nextStepDays === null ? null : iso(c.at + c.nextStepDays * DAY).slice(0, 10), r.linkWorker.id, iso(c.at + (c.minutes ?? 5) * 60_000),
          ]);
        }
      }
    },
  };
}

// ---- offers ---------------------------------------------------------------------------------------

/**
 * Offers of the PCN's own directory services (kept on the PcnYear by the directory stage) to people
 * once engaged, each with the history planOfferSteps gives it, within the case's dates. A case passed
 * on to a neighbouring service is offered this PCN's published services too: the directory is shared.
 */
export function offersStage(): Stage {
  return {
    name: 'offers',
    run(random, nextId, year, sink, { options, tally }) {
      if (year.services.length === 0) return;
      const byNeed = new Map<string, OfferableService[]>();
      for (const service of year.services) for (const need of service.needs) (byNeed.get(need) ?? byNeed.set(need, []).get(need)!).push(service);
      for (const r of year.referrals) {
        const engaged = r.journey.engagedAt;
        if (!r.caseId || !r.linkWorker || engaged === null) continue;
        const md = r.md.length > 0;
        const until = r.journey.closedAt ?? options.end - 1;
        const org = r.pcn.org.id;
        const worker = r.linkWorker.id;
        let start = engaged;
        for (const service of pickServices(random, year.services, byNeed, r.needs, offerCount(random, md))) {
          start = workingTimeAfter(random, start, random.int(0, 21));
          if (start > until) break;
          const offer = planOfferSteps(random, md, start, until);
          const id = nextId(1);
          const last = offer.steps.at(-1)!;
          sink.add(org, 'offer', [org, id, r.caseId, service.id, service.name, offer.state, offer.accompanied, offer.reason, iso(last.at), worker, iso(start)]);
          for (const step of offer.steps) {
            sink.add(org, 'offer_event', [
              org, id, step.kind, step.from, step.to, step.accompanied, step.reason, step.sessionOn === null ? null : iso(step.sessionOn).slice(0, 10), worker, worker, iso(step.at),
            ]);
            if (step.to === 'introduced' && step.kind === 'transition') {
              if (md) tally.introductions.md++;
              else tally.introductions.others++;
              if (step.accompanied && md) tally.introductions.mdAccompanied++;
              if (step.accompanied && !md) tally.introductions.othersAccompanied++;
            }
          }
          tally.offers[offer.state] = (tally.offers[offer.state] ?? 0) + 1;
        }
      }
    },
  };
}

// ---- outcome measures -----------------------------------------------------------------------------

const ALL_TIMEPOINTS: TimepointName[] = ['baseline', 'review', 'closure'];

/** The models answers are drawn from, per measure (see answersFor); baselines the better way up. */
export const ANSWER_MODELS: Record<string, AnswerModel> = {
  ons4: { items: 4, min: 0, max: 10, baseline: { general: 5.2, md: 3.8 }, change: { mean: 1.0, sd: 1.4 }, better: [1, 1, 1, -1] },
  swemwbs: { items: 7, min: 1, max: 5, baseline: { general: 2.9, md: 2.5 }, change: { mean: 0.35, sd: 0.5 }, better: Array(7).fill(1) },
  wemwbs: { items: 14, min: 1, max: 5, baseline: { general: 2.9, md: 2.5 }, change: { mean: 0.35, sd: 0.5 }, better: Array(14).fill(1) },
  ucla3: { items: 3, min: 1, max: 3, baseline: { general: 1.8, md: 1.5 }, change: { mean: 0.3, sd: 0.5 }, better: [-1, -1, -1] },
  ndt: { items: 10, min: 0, max: 4, baseline: { general: 2.2, md: 1.7 }, change: { mean: 0.45, sd: 0.6 }, better: Array(10).fill(-1) },
};

/** A programme's outcome settings: the defaults, with SWEMWBS, UCLA-3 or WEMWBS added by some, GP attendance by about a third. */
export interface OutcomePlan {
  measures: readonly PlannedMeasure[];
  custom: boolean;
  gpAttendance: boolean;
  uclaLonelyFrom: number | null;
}

/** Drawn from the PCN's own stream, so a case passed on from elsewhere follows the receiving programme's plan. */
export function outcomePlan(seed: number, pcn: Pcn): OutcomePlan {
  const random = createRandom(streamSeed(seed, `outcome-plan:${pcn.index}`));
  const extra = (['swemwbs', 'ucla3', 'wemwbs'] as const).filter((code) => random.chance(code === 'swemwbs' ? 0.3 : code === 'ucla3' ? 0.2 : 0.05));
  const gpAttendance = random.chance(0.35);
  const uclaLonelyFrom = extra.includes('ucla3') && random.chance(0.5) ? 6 : null;
  const measures = [...DEFAULT_PLAN, ...extra.map((code): PlannedMeasure => ({ cohort: 'everyone', code, timepoints: ALL_TIMEPOINTS }))];
  return { measures, custom: extra.length > 0, gpAttendance, uclaLonelyFrom };
}

/**
 * Outcome measures as the outcomes service records them (answers, and scores from its own engine):
 * a baseline at or soon after first contact for most people, a review twelve weeks on for some still
 * open, and a closure follow-up for most who finished; a few decline a measure (no answers, no scores).
 * GP attendance before (and, at closure, after) for some cases where the programme records it.
 */
export function outcomesStage(seed: number): Stage {
  const plans = new Map<Pcn, OutcomePlan>();
  const planOf = (pcn: Pcn) => plans.get(pcn) ?? plans.set(pcn, outcomePlan(seed, pcn)).get(pcn)!;
  return {
    name: 'outcomes',
    run(random, nextId, year, sink, { options, tally }) {
      const own = planOf(year.pcn);
      const org = year.pcn.org.id;
      if (own.custom) {
        for (const m of own.measures) sink.add(org, 'programme_outcome_measure', [org, year.pcn.programmeId, m.cohort, m.code, m.timepoints.join(',')]);
      }
      if (own.gpAttendance || own.uclaLonelyFrom !== null) sink.add(org, 'programme_outcome_option', [org, year.pcn.programmeId, own.gpAttendance, own.uclaLonelyFrom]);

      for (const r of year.referrals) {
        const { firstContactAt, engagedAt, closedAt, closeReason } = r.journey;
        if (!r.caseId || !r.linkWorker || firstContactAt === null) continue;
        const md = r.md.length > 0;
        const plan = r.pcn === year.pcn ? own : planOf(r.pcn);
        const until = closedAt ?? options.end - 1;
        if (!random.chance(md ? 0.7 : 0.85)) continue;
        const baselineAt = workingTimeAfter(random, firstContactAt, random.chance(0.5) ? 0 : random.int(1, 14));
        if (baselineAt > until) continue;
        const times: { timepoint: TimepointName; at: number }[] = [{ timepoint: 'baseline', at: baselineAt }];
        const reviewAt = workingTimeAfter(random, baselineAt, random.int(80, 90));
        if (reviewAt < until && random.chance(0.45)) times.push({ timepoint: 'review', at: reviewAt });
        if (closedAt !== null && engagedAt !== null && closeReason === 'completed' && random.chance(md ? 0.55 : 0.7)) times.push({ timepoint: 'closure', at: closedAt });
        const org = r.pcn.org.id;
        for (const planned of plan.measures) {
          if (planned.cohort === 'multiple-disadvantage' && !md) continue;
          const definition = builtInMeasure(planned.code)!;
          const model = ANSWER_MODELS[planned.code]!;
          const person = personLevel(random);
          for (const { timepoint, at } of times) {
            const record = [org, nextId(1), r.caseId, r.personId, planned.code, timepoint, iso(at).slice(0, 10)];
            if (random.chance(md ? 0.1 : 0.05)) {
              sink.add(org, 'measure_record', [...record, true, null, null, r.linkWorker.id, iso(at)]);
              tally.measures.declined++;
              continue;
            }
            const answers: (number | null)[] = answersFor(random, model, md, person, Math.min(1, (at - baselineAt) / (70 * DAY)));
            // ONS4 is per item: now and then a person leaves one question unanswered.
            if (planned.code === 'ons4' && random.chance(0.03)) answers[random.int(0, 3)] = null;
            const result = score(definition, answers, scoreOptions(definition, plan.uclaLonelyFrom));
            sink.add(org, 'measure_record', [
              ...record, false, JSON.stringify(result.items.map((i) => i.answer)), JSON.stringify(storedScores(result)), r.linkWorker.id, iso(at),
            ]);
            if (timepoint === 'baseline') tally.measures.baseline++;
            else tally.measures.followUp++;
          }
        }
        if (plan.gpAttendance && random.chance(0.6)) {
          const before = Math.min(999, Math.round(logNormal(random, md ? 6 : 4, md ? 14 : 9)));
          const source = random.chance(0.3) ? 'imported' : 'entered';
          sink.add(org, 'gp_attendance', [org, r.caseId, 'before', before, source, r.linkWorker.id, iso(baselineAt)]);
          if (closedAt !== null && engagedAt !== null && random.chance(0.7)) {
            const after = Math.min(999, Math.max(0, Math.round(before * (0.8 + 0.35 * normal(random)))));
            sink.add(org, 'gp_attendance', [org, r.caseId, 'after', after, source, r.linkWorker.id, iso(closedAt)]);
          }
        }
      }
    },
  };
}

// ---- commissioning --------------------------------------------------------------------------------

/**
 * Each PCN service is commissioned by its ICB and, where there is one, by the local authority that
 * commissions for the ICB: written in the commissioner's context (its row-level security policy), as
 * the commissioner would add it, so every commissioner user can open the dashboards at once.
 */
export function commissioningStage(): Stage {
  return {
    name: 'commissioning',
    run(_random, _nextId, { pcn }, sink, { options }) {
      const at = iso(options.start - 30 * DAY);
      sink.add(pcn.icb.org.id, 'commissioning', [pcn.icb.org.id, pcn.org.id, pcn.icb.user.id, at]);
      const council = pcn.icb.localAuthority;
      if (council) sink.add(council.org.id, 'commissioning', [council.org.id, pcn.org.id, council.commissioner.id, at]);
    },
  };
}

/** The stages, in order. Append new ones; never reorder or rename, or earlier data changes. */
export function stages(seed: number): Stage[] {
  return [referralsStage(seed), unmetNeedsStage(), directoryStage(), contactsStage(), offersStage(), outcomesStage(seed), commissioningStage()];
}

/** Runs every stage for one PCN: its own stream per stage and PCN, its own ids per stage. */
export function pipeline(seed: number): (year: PcnYear, sink: RowSink, context: StageContext) => void {
  const list = stages(seed).map((stage) => {
    const makeId = idMaker(seed, `national:${stage.name}`);
    const counters = new Map<number, number>();
    const nextId = (table: number) => {
      const n = (counters.get(table) ?? 0) + 1;
      counters.set(table, n);
      return makeId(table, n);
    };
    return { stage, nextId };
  });
  return (year, sink, context) => {
    for (const { stage, nextId } of list) stage.run(createRandom(streamSeed(seed, `${stage.name}:${year.pcn.index}`)), nextId, year, sink, context);
  };
}
