import { DEFAULT_PER_PAGE, type PageOf } from './schemas.js';

export interface PageRequest {
  /** From 1. */
  page: number;
  perPage: number;
}

export function pageRequest(query: { page?: number; per_page?: number }): PageRequest {
  return { page: query.page ?? 1, perPage: query.per_page ?? DEFAULT_PER_PAGE };
}

export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}

/**
 * The HSDS 3.0 `Page` envelope. `size` is the number of results on this page (the standard's
 * definition), so the last page may hold fewer than per_page; a page past the end is empty and
 * still says it is the last.
 */
export function envelope<T>(request: PageRequest, totalItems: number, contents: T[]): PageOf<T> {
  const totalPages = Math.ceil(totalItems / request.perPage);
  return {
    total_items: totalItems,
    total_pages: totalPages,
    page_number: request.page,
    size: contents.length,
    first_page: request.page === 1,
    last_page: request.page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}
