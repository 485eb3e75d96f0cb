import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { personMessage, referrerMessage, type PersonTemplate, type ReferrerTemplate } from '../src/features/notifications/templates.js';
import { INTRODUCTION_RESPONSE_LABELS, OFFER_STATE_LABELS } from '../src/features/offers/rules.js';
import { CLOSE_REASONS, neutralClosure, NEUTRAL_STATUS_LABELS, type CloseReason } from '../src/features/referrals/rules.js';

/**
 * "Complementary to healthcare; never a conditional gateway." Social prescribing is offered, never
 * imposed: nothing a referrer, a person or a provider reads may say or imply that anyone's care
 * depends on taking part, or that not taking part has consequences. People facing multiple
 * disadvantage have heard that wording from services before, and it drives them away.
 *
 * This scans every page template and every message Linkwork sends for such wording.
 */

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

interface Forbidden {
  pattern: RegExp;
  why: string;
}

const FORBIDDEN: Forbidden[] = [
  { pattern: /\bmust (attend|engage|take part|participate)\b/i, why: 'attending is never an obligation' },
  { pattern: /\brequired to (engage|attend|take part|participate)\b/i, why: 'taking part is never required' },
  { pattern: /\bbefore (you|they|he|she|the person) can be seen\b/i, why: 'health care is never gated on social prescribing' },
  {
    pattern: /\b(care|treatment|appointments?|health ?care|support|access|referrals?) (depends?|is conditional|are conditional|is dependent|are dependent) (up)?on\b/i,
    why: 'care never depends on taking part',
  },
  { pattern: /\bconditional on\b/i, why: 'nothing is conditional on taking part' },
  { pattern: /\bnon-?engagement\b/i, why: 'nobody is closed or judged for "non-engagement": not taking part is neutral' },
  { pattern: /\bfailed to (engage|attend)\b/i, why: 'blames the person; say what happened neutrally ("we could not get in touch")' },
  { pattern: /\bdid not attend\b|\bDNA\b/, why: 'clinical "did not attend" framing; missed meetings are expected and neutral' },
  { pattern: /\bwill be discharged\b/i, why: 'threatens a consequence for not taking part' },
  { pattern: /\bif (you|they|he|she|the person) (do|does|did)(n[’']t| not) (attend|engage|take part|turn up)\b/i, why: 'threatens a consequence for not taking part' },
  { pattern: /\bnon-?complian(ce|t)\b/i, why: 'compliance framing: taking part is a choice' },
  { pattern: /\bonly if (you|they|he|she|the person)\b/i, why: 'makes support conditional on something the person does' },
  { pattern: /\bfailure to (attend|engage|take part)\b/i, why: 'blames the person; not taking part is neutral' },
  { pattern: /\bbefore (you|they|he|she|the person) can (be referred|get|have)\b/i, why: 'health care is never gated on social prescribing' },
  { pattern: /\bcompulsory\b/i, why: 'nothing in social prescribing is compulsory' },
  { pattern: /\bmandatory\b/i, why: 'nothing in social prescribing is mandatory' },
];

interface Violation {
  source: string;
  phrase: string;
  why: string;
}

/** Text as a reader meets it: tags and template comments removed, all whitespace one space. */
function readable(text: string): string {
  return text
    .replace(/\{#[\s\S]*?#\}/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ');
}

/** Every forbidden phrase in `text`, in the raw text (attributes, macro arguments) or as read. */
function scan(source: string, text: string): Violation[] {
  const found: Violation[] = [];
  for (const variant of [text.replace(/\s+/g, ' '), readable(text)]) {
    for (const { pattern, why } of FORBIDDEN) {
      const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
      for (const match of variant.matchAll(global)) {
        if (!found.some((f) => f.phrase === match[0] && f.why === why)) found.push({ source, phrase: match[0], why });
      }
    }
  }
  return found;
}

function templatesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...templatesUnder(full));
    else if (entry.name.endsWith('.njk')) out.push(full);
  }
  return out;
}

/** Every page template anywhere under src/, whoever sees it, however deep its feature folder nests. */
function allTemplates(): string[] {
  return templatesUnder(SRC).sort();
}

// Records, not arrays, so adding a template without listing it here fails the type check.
const REFERRER_TEMPLATES: Record<ReferrerTemplate, true> = { 'referral-received': true, 'referral-accepted': true, 'referral-closed': true };
const PERSON_TEMPLATES: Record<PersonTemplate, true> = { 'person-referral-received': true, 'person-referral-accepted': true };

/** Every message Linkwork sends, with every closure wording a referrer can be sent. */
function allMessages(): { source: string; text: string }[] {
  const messages: { source: string; text: string }[] = [];
  const closures: (CloseReason | null)[] = [...CLOSE_REASONS, null];
  for (const template of Object.keys(REFERRER_TEMPLATES) as ReferrerTemplate[]) {
    for (const reason of closures) {
      const message = referrerMessage(template, { reference: 'LW-ABCD-1234', service: 'Riverside Social Prescribing', closure: neutralClosure(reason) });
      messages.push({ source: `templates.ts referrerMessage('${template}', closure ${reason ?? 'none'})`, text: `${message.subject}\n${message.body}` });
    }
  }
  for (const template of Object.keys(PERSON_TEMPLATES) as PersonTemplate[]) {
    const message = personMessage(template, { firstName: 'Dan' });
    messages.push({ source: `templates.ts personMessage('${template}')`, text: `${message.subject}\n${message.body}` });
  }
  return messages;
}

describe('never a conditional gateway: wording', () => {
  it('the scanner catches a planted phrase, and names the source and the phrase', () => {
    const planted = '<p>Patients must attend every session; if you do not attend you will be discharged.</p>';
    expect(scan('planted.njk', planted)).toEqual([
      { source: 'planted.njk', phrase: 'must attend', why: 'attending is never an obligation' },
      { source: 'planted.njk', phrase: 'will be discharged', why: 'threatens a consequence for not taking part' },
      { source: 'planted.njk', phrase: 'if you do not attend', why: 'threatens a consequence for not taking part' },
    ]);
    // Across a line break and inside markup, as a reader would see it.
    expect(scan('split.njk', 'Closed for\n  <strong>non-engagement</strong>').map((v) => v.phrase)).toEqual(['non-engagement']);
    expect(scan('split.njk', 'Your treatment\n depends on taking part').map((v) => v.phrase)).toEqual(['treatment depends on']);
    expect(scan('apostrophe', 'If they don’t engage, the referral closes').map((v) => v.phrase)).toEqual(['If they don’t engage']);
    expect(scan('caps', 'Attendance is MANDATORY').map((v) => v.phrase)).toEqual(['MANDATORY']);
    expect(scan('gateway', 'We can see you only if you come to the group. Failure to attend is recorded.').map((v) => v.phrase)).toEqual(['only if you', 'Failure to attend']);
    expect(scan('gateway', 'Go to the lunch club before you can be referred on').map((v) => v.phrase)).toEqual(['before you can be referred']);
    // Neutral wording passes.
    expect(scan('neutral', 'You can say no at any time. This does not affect your care from your GP.')).toEqual([]);
  });

  it('finds the page templates to scan', () => {
    const templates = allTemplates().map((file) => path.relative(SRC, file));
    expect(templates).toContain(path.join('platform', 'views', 'layout.njk'));
    expect(templates).toContain(path.join('platform', 'views', 'error.njk'));
    expect(templates).toContain(path.join('features', 'users', 'views', 'list.njk'));
    expect(templates.length).toBeGreaterThan(10);
  });

  it('no page template says or implies that care depends on taking part', () => {
    const violations = allTemplates().flatMap((file) => scan(path.relative(SRC, file), readFileSync(file, 'utf8')));
    expect(violations, violations.map((v) => `${v.source}: "${v.phrase}" (${v.why})`).join('\n')).toEqual([]);
  });

  it('no message to a referrer or a person says or implies it', () => {
    const messages = allMessages();
    expect(messages.length).toBe(Object.keys(REFERRER_TEMPLATES).length * (CLOSE_REASONS.length + 1) + Object.keys(PERSON_TEMPLATES).length);
    const violations = messages.flatMap((m) => scan(m.source, m.text));
    expect(violations, violations.map((v) => `${v.source}: "${v.phrase}" (${v.why})`).join('\n')).toEqual([]);
  });

  it('no text in the message templates’ source says it either, including templates added later', () => {
    // The calls above render each known template; this also covers any template (to providers, say)
    // that this test does not yet call by name.
    const file = path.join(SRC, 'features', 'notifications', 'templates.ts');
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
    const violations = scan(path.relative(SRC, file), code);
    expect(violations, violations.map((v) => `${v.source}: "${v.phrase}" (${v.why})`).join('\n')).toEqual([]);
  });

  it('no status or closure wording a referrer sees says it', () => {
    const texts = [...Object.values(NEUTRAL_STATUS_LABELS), ...[...CLOSE_REASONS, null].map((reason) => neutralClosure(reason))];
    const violations = texts.flatMap((text) => scan('rules.ts', text));
    expect(violations, violations.map((v) => `${v.source}: "${v.phrase}" (${v.why})`).join('\n')).toEqual([]);
  });

  it('no offer or introduction wording a person or a provider sees says it, including the pages’ messages', () => {
    // State names are read out to the person ("you said no"); the provider sees its reply and "ended".
    const labels = [...Object.values(OFFER_STATE_LABELS), ...Object.values(INTRODUCTION_RESPONSE_LABELS)];
    const violations = labels.flatMap((text) => scan('offers/rules.ts', text));
    // Every string in the offers code (button words, messages after an action, history lines).
    for (const file of ['web.ts', 'rules.ts', 'service.ts']) {
      const full = path.join(SRC, 'features', 'offers', file);
      const code = readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
      violations.push(...scan(path.relative(SRC, full), code));
    }
    expect(violations, violations.map((v) => `${v.source}: "${v.phrase}" (${v.why})`).join('\n')).toEqual([]);
  });

  it('every closure a referrer is told about says it does not affect the person’s care', () => {
    for (const reason of [...CLOSE_REASONS, null]) {
      expect(neutralClosure(reason), `neutralClosure(${reason})`).toContain('does not affect');
    }
    const closed = referrerMessage('referral-closed', { reference: 'LW-ABCD-1234', service: 'Riverside', closure: neutralClosure('person-declined') });
    expect(closed.body).toContain('does not affect');
  });
});
