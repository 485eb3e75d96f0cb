import { expect } from 'vitest';
import { ValidationFailed } from '../../src/platform/errors.js';

/**
 * The fields a refusal names, in order, so a test checks that every wrong field is reported at once.
 * Pass the work itself, not its result: a function for a check that throws, or the promise of a
 * service call that rejects. Work that is accepted fails the test rather than naming no fields, so
 * a check that quietly lets bad input through cannot pass for one that refuses it.
 */
export function fieldsOf(work: () => unknown): string[];
export function fieldsOf(work: Promise<unknown>): Promise<string[]>;
export function fieldsOf(work: (() => unknown) | Promise<unknown>): string[] | Promise<string[]> {
  if (typeof work !== 'function') return work.then(accepted, refused);
  try {
    work();
  } catch (error) {
    return refused(error);
  }
  return accepted();
}

function accepted(): never {
  return expect.unreachable('expected a ValidationFailed, but the work was accepted');
}

function refused(error: unknown): string[] {
  if (error instanceof ValidationFailed) return error.errors.map((e) => e.field);
  throw error; // any other error fails the test with its own message and stack
}
