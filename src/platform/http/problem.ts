import type { FastifyError } from 'fastify';
import { DomainError, type FieldError, ValidationFailed } from '../errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** Fastify's schema errors name fields by JSON pointer ("/person/nhsNumber"); users read dotted names. */
function fieldFromValidation(v: { instancePath?: string; params?: Record<string, unknown>; message?: string }): FieldError {
  const base = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = v.params?.requiredProperties ?? v.params?.missingProperty;
  const property = Array.isArray(missing) ? String(missing[0]) : missing ? String(missing) : '';
  const field = [base, property].filter(Boolean).join('.') || 'body';
  const message = property ? `${property} is required` : `${field} ${v.message ?? 'is not valid'}`;
  return { field, message };
}

/** One mapping from any thrown error to RFC 9457 problem details; stacks never leave the server. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ValidationFailed) {
    return { type: 'about:blank', title: error.title, status: 400, detail: 'Check the fields listed in errors', errors: error.errors };
  }
  if (error instanceof DomainError) {
    return { type: 'about:blank', title: error.title, status: error.status, detail: error.message };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return {
      type: 'about:blank',
      title: 'There is a problem with what was sent',
      status: 400,
      detail: 'Check the fields listed in errors',
      errors: fastifyError.validation.map(fieldFromValidation),
    };
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    return { type: 'about:blank', title: status === 429 ? 'Too many requests' : 'The request could not be handled', status, detail: fastifyError.message };
  }
  return { type: 'about:blank', title: 'Something went wrong', status: 500, detail: 'Something went wrong on our side. Try again later.' };
}
