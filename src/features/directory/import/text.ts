import { compile, type HtmlToTextOptions } from 'html-to-text';

/**
 * Free text from directory feeds arrives as HTML (`<p>`, `<br>`, `&amp;`, `&nbsp;`, inline styles,
 * the odd `<script>`). Linkwork stores plain text: safe to show anywhere without escaping worries,
 * searchable, and what an ORUK consumer expects. html-to-text (a well-kept HTML-to-plain-text
 * converter on htmlparser2) keeps the structure people read: paragraphs and headings become blank
 * lines, `<br>` a line break, list items " * item", links "text [url]"; entities are decoded and
 * scripts and styles dropped.
 */
const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable' },
  ],
};

// Compiled once: compiling the options on every call costs more than the conversion.
const convert = compile(OPTIONS);

// A tag (`<p>`, `</b>`, `<br/>`, `<!-- -->`) or an entity (`&amp;`, `&#160;`, `&#x2019;`).
const LOOKS_LIKE_HTML = /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>|<!--|&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]+);/i;

/**
 * Plain text with paragraphs and line breaks kept as newlines, or null when nothing is left.
 * Text that is already plain is only tidied (no HTML parsing, which would fold its newlines), so
 * converting twice gives the same result: an exported description re-imports unchanged.
 */
export function plainText(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  let text = String(value);
  if (LOOKS_LIKE_HTML.test(text)) text = convert(text);
  return tidy(text);
}

/** One line of text (a name, a title): plain text with every run of white space made one space. */
export function plainLine(value: unknown): string | null {
  const text = plainText(value);
  return text === null ? null : text.replace(/\s+/g, ' ').trim() || null;
}

function tidy(text: string): string | null {
  const tidied = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ') // no-break spaces (&nbsp;) are ordinary spaces here
    .replace(/[\u200b\ufeff]/g, '') // zero-width spaces and stray byte-order marks
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return tidied === '' ? null : tidied;
}
