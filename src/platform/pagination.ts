import { ValidationFailed } from './errors.js';

/** Keyset cursors: the sort key of the last row seen, opaque to clients. */
export interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(at: Date | string, id: string): string {
  return Buffer.from(`${new Date(at).toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(raw: unknown): Cursor | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const text = typeof raw === 'string' ? Buffer.from(raw, 'base64url').toString() : '';
  const [at, id] = text.split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw ValidationFailed.field('cursor', 'This page marker is not valid: start again from the first page');
  }
  return { at, id };
}

export const MAX_PAGE = 200;

export function pageLimit(raw: unknown, fallback = 50): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE) throw ValidationFailed.field('limit', `limit must be a whole number from 1 to ${MAX_PAGE}`);
  return value;
}
