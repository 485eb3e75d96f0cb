/**
 * Domain errors. Services throw these; the HTTP layer maps each to a status once (see http/errors.ts)
 * and the CLI prints their message and exits non-zero.
 */
export interface FieldError {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly title = 'There is a problem with what was sent';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'ValidationFailed';
  }

  static field(field: string, message: string): ValidationFailed {
    return new ValidationFailed([{ field, message }]);
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(message = 'This page or record could not be found') {
    super(message);
    this.name = 'NotFound';
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = 'You do not have access to this';
  constructor(message = 'Your role in this organisation does not allow this') {
    super(message);
    this.name = 'Forbidden';
  }
}

export class Unauthenticated extends DomainError {
  readonly status = 401;
  readonly title = 'Sign in needed';
  constructor(message = 'Sign in, or send a valid API token') {
    super(message);
    this.name = 'Unauthenticated';
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = 'This conflicts with the current state';
  constructor(message: string) {
    super(message);
    this.name = 'Conflict';
  }
}

export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly title = 'Too many attempts';
  constructor(message: string) {
    super(message);
    this.name = 'TooManyRequests';
  }
}

/** Collects field errors so a form or request reports every problem at once, not the first. */
export class FieldErrors {
  readonly errors: FieldError[] = [];
  add(field: string, message: string): this {
    this.errors.push({ field, message });
    return this;
  }
  throwIfAny(): void {
    if (this.errors.length > 0) throw new ValidationFailed(this.errors);
  }
}
