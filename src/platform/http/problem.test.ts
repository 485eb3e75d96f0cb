import { describe, expect, it } from 'vitest';
import { Conflict, NotFound, ValidationFailed } from '../errors.js';
import { toProblem } from './problem.js';

describe('errors become problem details once', () => {
  it('lists field errors for validation failures', () => {
    const problem = toProblem(new ValidationFailed([{ field: 'email', message: 'Enter an email address' }]));
    expect(problem).toMatchObject({ status: 400, errors: [{ field: 'email', message: 'Enter an email address' }] });
  });

  it('maps schema validation from Fastify to dotted field names', () => {
    const error = Object.assign(new Error('bad'), {
      validation: [
        { instancePath: '/person/nhsNumber', message: 'must match pattern' },
        { instancePath: '', params: { missingProperty: 'reason' }, message: "must have required property 'reason'" },
      ],
    });
    expect(toProblem(error).errors).toEqual([
      { field: 'person.nhsNumber', message: 'person.nhsNumber must match pattern' },
      { field: 'reason', message: 'reason is required' },
    ]);
  });

  it('keeps domain statuses and hides internal errors', () => {
    expect(toProblem(new NotFound()).status).toBe(404);
    expect(toProblem(new Conflict('already accepted')).status).toBe(409);
    const hidden = toProblem(new Error('connection string postgres://secret'));
    expect(hidden.status).toBe(500);
    expect(JSON.stringify(hidden)).not.toContain('secret');
  });
});
