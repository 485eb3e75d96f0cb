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
  const fields = (error: ValidationFailed) => error.errors.map((e) => e.field);
  return typeof work === 'function' ? fields(refusal(work)) : refusalOf(work).then(fields);
}

/** As fieldsOf, with each field's message: what the person is told, field by field. */
export function messagesOf(work: () => unknown): Record<string, string>;
export function messagesOf(work: Promise<unknown>): Promise<Record<string, string>>;
export function messagesOf(work: (() => unknown) | Promise<unknown>): Record<string, string> | Promise<Record<string, string>> {
  const messages = (error: ValidationFailed) => Object.fromEntries(error.errors.map((e) => [e.field, e.message]));
  return typeof work === 'function' ? messages(refusal(work)) : refusalOf(work).then(messages);
}

function refusal(work: () => unknown): ValidationFailed {
  try {
    work();
  } catch (error) {
    return refused(error);
  }
  return accepted();
}

function refusalOf(work: Promise<unknown>): Promise<ValidationFailed> {
  return work.then(accepted, refused);
}

function accepted(): never {
  return expect.unreachable('expected a ValidationFailed, but the work was accepted');
}

function refused(error: unknown): ValidationFailed {
  if (error instanceof ValidationFailed) return error;
  throw error; // any other error fails the test with its own message and stack
}
