import type { FastifyRequest } from 'fastify';
import { authorize, can } from '../../platform/auth/policy.js';
import { ValidationFailed } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { directoryPolicy } from './policy.js';
import { ATTRIBUTE_LABELS, DAY_LABELS, DAYS, formatKm, SORTS, textParagraphs, type SearchInput } from './search/rules.js';
import type { NeedOption, SearchResults } from './search/service.js';
import { SERVICE_ATTRIBUTES } from './taxonomy.js';

/**
 * The community directory pages: search (a GET form, so a search is a link that can be shared or
 * bookmarked), one service in full, and "Record an unmet need" when nothing suitable was found.
 * Works without JavaScript.
 */

const SEARCH = 'features/directory/views/search/search.njk';
const SERVICE = 'features/directory/views/search/service.njk';

/** The search form's fields, as they appear in the address. */
const FIELDS = ['text', 'need', 'postcode', 'maxKm', 'attribute', 'day', 'openNow', 'age', 'language', 'sort'] as const;
const DISTANCES = ['1', '3', '5', '10', '25', '50'];
const SORT_LABELS: Record<(typeof SORTS)[number], string> = { relevance: 'Best match', distance: 'Nearest first', name: 'Name (A to Z)' };

type Query = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
const many = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value ? [value] : []).map((v) => v.trim()).filter(Boolean);

function formOf(query: Query) {
  return {
    text: one(query.text),
    need: one(query.need),
    postcode: one(query.postcode),
    maxKm: one(query.maxKm),
    attribute: many(query.attribute),
    day: one(query.day),
    openNow: one(query.openNow),
    age: one(query.age),
    language: one(query.language),
    sort: one(query.sort),
  };
}
type Form = ReturnType<typeof formOf>;

function searched(form: Form): boolean {
  return FIELDS.some((f) => (f === 'attribute' ? form.attribute.length > 0 : f !== 'sort' && form[f] !== ''));
}

/** The form as an address query (empty fields left out), optionally on another page. */
function queryString(form: Form, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    if (field === 'attribute') for (const a of form.attribute) params.append('attribute', a);
    else if (form[field]) params.set(field, form[field]);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

function needItems(needs: NeedOption[], chosen: string) {
  return [
    { value: '', text: 'Any need', selected: chosen === '' },
    ...needs.map((n) => ({ value: n.code, text: n.parentCode ? `– ${n.label}` : n.label, selected: n.code === chosen })),
  ];
}

/** Numbered pages: the first, the last, and two either side of this one, with gaps marked. */
function pageItems(results: SearchResults, form: Form) {
  const { page, pageCount } = results;
  if (pageCount <= 1) return null;
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pageCount])].filter((n) => n >= 1 && n <= pageCount).sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: `/directory?${queryString(form, { page: String(n) })}`, current: n === page });
  });
  return {
    items,
    previous: page > 1 ? { href: `/directory?${queryString(form, { page: String(page - 1) })}` } : undefined,
    next: page < pageCount ? { href: `/directory?${queryString(form, { page: String(page + 1) })}` } : undefined,
  };
}

/** Paragraphs, each as its lines (the template puts <br> between them). */
const lines = (text: string | null) => textParagraphs(text).map((p) => p.split('\n'));

/** Providers' web addresses become links only when they are plainly http(s). */
function webLink(url: string | null): { href: string | null; text: string } | null {
  if (!url) return null;
  const trimmed = url.trim();
  return { href: /^https?:\/\/[^\s"'<>]+$/i.test(trimmed) ? trimmed : null, text: trimmed };
}

export async function directoryWebRoutes(app: App, services: Services): Promise<void> {
  async function searchPage(request: FastifyRequest): Promise<{ status: number; data: Record<string, unknown> }> {
    const ctx = requireContext(request);
    authorize(ctx, directoryPolicy, 'search');
    const query = request.query as Query;
    const form = formOf(query);
    const needs = await services.directorySearch.needOptions();
    const base = {
      title: 'Community directory',
      form,
      needItems: needItems(needs, form.need),
      distanceItems: [{ value: '', text: 'Any distance', selected: form.maxKm === '' }, ...DISTANCES.map((d) => ({ value: d, text: `Within ${d} km`, selected: d === form.maxKm }))],
      dayItems: [{ value: '', text: 'Any day', selected: form.day === '' }, ...DAYS.map((d) => ({ value: d, text: DAY_LABELS[d], selected: d === form.day }))],
      sortItems: SORTS.map((s) => ({ value: s, text: SORT_LABELS[s], selected: s === (form.sort || 'relevance') })),
      attributeItems: SERVICE_ATTRIBUTES.map((a) => ({ value: a, text: ATTRIBUTE_LABELS[a], checked: form.attribute.includes(a) })),
      openNowItems: [{ value: 'true', text: 'Open now', checked: form.openNow === 'true' }],
      searched: searched(form),
    };
    if (!base.searched) return { status: 200, data: base };
    const input: SearchInput = {
      text: form.text,
      need: form.need,
      nearPostcode: form.postcode,
      maxKm: form.maxKm,
      attribute: form.attribute,
      day: form.day,
      openNow: form.openNow,
      age: form.age,
      language: form.language,
      sort: form.sort,
      page: one(query.page),
    };
    let results: SearchResults;
    try {
      results = await services.directorySearch.search(ctx, input);
    } catch (error) {
      if (error instanceof ValidationFailed) return { status: 400, data: { ...base, errors: error.errors } };
      throw error;
    }
    const near = results.origin ? `?${new URLSearchParams({ postcode: form.postcode }).toString()}` : '';
    const need = needs.find((n) => n.code === results.query.need);
    // After "Record an unmet need": a fixed sentence from the need's own label and the district.
    const recorded = one(query.recorded) === '1' && need;
    return {
      status: 200,
      data: {
        ...base,
        flash: recorded ? `Unmet need recorded: ${need.label}${results.origin ? ` in ${results.origin.district}` : ''}. Only the need, the area and the date were kept.` : undefined,
        results,
        items: results.items.map((item) => ({
          ...item,
          href: `/directory/services/${item.id}${near}`,
          distanceText: item.distanceKm === null ? null : formatKm(item.distanceKm),
        })),
        pages: pageItems(results, form),
        firstPageHref: `/directory?${queryString(form)}`,
        firstShown: (results.page - 1) * results.limit + 1,
        lastShown: (results.page - 1) * results.limit + results.items.length,
        need,
        unmetNeed:
          need && can(ctx, directoryPolicy, 'record-unmet-need')
            ? { need: need.code, label: need.label, area: results.origin?.district ?? '', back: queryString(form) }
            : null,
      },
    };
  }

  app.get('/directory', { schema: { hide: true } }, async (request, reply) => {
    const page = await searchPage(request);
    return reply.code(page.status).page(SEARCH, page.data);
  });

  app.post('/directory/unmet-need', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const values = formValues(request.body);
    // Back to the same search: rebuilt from its known fields, so the address can only ever be /directory.
    const sent = new URLSearchParams(values.back ?? '');
    const back = formOf(Object.fromEntries(FIELDS.map((f) => [f, sent.getAll(f)])) as Query);
    await services.directorySearch.recordUnmetNeed(ctx, { need: values.need, postcode: values.area });
    return reply.redirect(`/directory?${queryString(back, { recorded: '1' })}`, 303);
  });

  app.get('/directory/services/:id', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { id } = request.params as { id: string };
    const postcode = one((request.query as Query).postcode);
    let service;
    let distanceProblem: string | undefined;
    try {
      service = await services.directorySearch.get(ctx, id, { nearPostcode: postcode || undefined });
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      // A postcode that cannot be placed only loses the distances.
      distanceProblem = error.errors[0]?.message;
      service = await services.directorySearch.get(ctx, id);
    }
    return reply.page(SERVICE, {
      title: service.name,
      service,
      distanceProblem,
      paragraphs: lines(service.description),
      organisationParagraphs: lines(service.organisation.description),
      website: webLink(service.url),
      organisationWebsite: webLink(service.organisation.website),
      contacts: service.contacts.map((c) => ({ ...c, role: [c.title, c.department].filter(Boolean).join(', ') })),
      locations: service.locations.map((l) => ({ ...l, distanceText: l.distanceKm === null ? null : formatKm(l.distanceKm) })),
      ageText:
        service.minimumAge !== null && service.maximumAge !== null
          ? `${service.minimumAge} to ${service.maximumAge}`
          : service.minimumAge !== null
            ? `${service.minimumAge} and over`
            : service.maximumAge !== null
              ? `Up to ${service.maximumAge}`
              : null,
      postcode,
    });
  });
}
