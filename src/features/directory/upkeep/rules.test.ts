import { describe, expect, it } from 'vitest';
import { messagesOf } from '../../../../test/support/errors.js';
import { providerMessage } from '../../notifications/templates.js';
import {
  changedFields,
  dayIn,
  daysBefore,
  diffRows,
  isDay,
  mayBeOutOfDate,
  monthsBefore,
  validateDetails,
  type ServiceDetails,
} from './rules.js';

const base: ServiceDetails = {
  name: 'Riverside walking group',
  description: 'A gentle walk by the river every Tuesday.',
  url: 'https://walks.example.org',
  email: 'walks@example.org',
  phone: '0117 496 0000',
  feesDescription: 'Free',
  eligibilityDescription: 'Adults',
  minimumAge: 18,
  maximumAge: null,
  status: 'active',
  attributes: ['drop-in', 'free'],
};

const errorsOf = (input: Record<string, unknown>) => messagesOf(() => validateDetails(input));

describe('directory entry details', () => {
  it('accepts a full entry, trimming, lower-casing the email and ordering attributes as the taxonomy does', () => {
    expect(
      validateDetails({
        name: '  Riverside walking group ',
        description: 'A gentle walk by the river every Tuesday.',
        url: 'walks.example.org',
        email: ' Walks@Example.org ',
        phone: '0117  496 0000',
        feesDescription: 'Free',
        eligibilityDescription: 'Adults',
        minimumAge: '18',
        maximumAge: '',
        status: 'active',
        attributes: ['drop-in', 'free'],
      }),
    ).toEqual(base);
  });

  it('treats empty optional fields as not given and one ticked box as a list', () => {
    expect(validateDetails({ name: 'X', status: 'inactive', attributes: 'dogs-welcome' })).toEqual({
      name: 'X', description: null, url: null, email: null, phone: null, feesDescription: null, eligibilityDescription: null,
      minimumAge: null, maximumAge: null, status: 'inactive', attributes: ['dogs-welcome'],
    });
  });

  it('reports every problem at once, by field', () => {
    expect(
      errorsOf({
        name: ' ',
        url: 'javascript:alert(1)',
        email: 'not-an-email',
        phone: 'call us',
        minimumAge: '-1',
        maximumAge: 'ten',
        status: 'open',
        attributes: ['free', 'spa'],
        description: 'x'.repeat(5001),
      }),
    ).toEqual({
      name: 'Enter the name of the service',
      description: 'Description must be 5,000 characters or fewer',
      url: 'Enter a web address in the correct format, like https://www.example.org',
      email: 'Enter an email address in the correct format, like name@example.nhs.uk',
      phone: 'Enter a phone number, like 0117 496 0000 or +44 117 496 0000',
      minimumAge: 'Enter the minimum age as a whole number from 0 to 130, like 18',
      maximumAge: 'Enter the maximum age as a whole number from 0 to 130, like 18',
      status: 'Choose whether the service is running',
      attributes: 'Choose from the list of what link workers need to know',
    });
    expect(errorsOf({ name: 'X', status: 'active', minimumAge: '65', maximumAge: '18' })).toEqual({
      maximumAge: 'The maximum age must be the same as or more than the minimum age',
    });
    expect(errorsOf({ name: 'n'.repeat(301), status: 'active', url: 'ftp://files.example.org', minimumAge: '131' })).toEqual({
      name: 'Name must be 300 characters or fewer',
      url: 'Enter a web address in the correct format, like https://www.example.org',
      minimumAge: 'Enter the minimum age as a whole number from 0 to 130, like 18',
    });
  });

  it('finds the changed fields and shows them as field, current and proposed', () => {
    const proposed: ServiceDetails = { ...base, name: 'Riverside walks', phone: null, attributes: ['drop-in', 'free', 'dogs-welcome'] };
    const changes = changedFields(base, proposed);
    expect(changes).toEqual({ name: 'Riverside walks', phone: null, attributes: ['drop-in', 'free', 'dogs-welcome'] });
    expect(changedFields(base, { ...base })).toEqual({});
    expect(diffRows(base, changes)).toEqual([
      { field: 'name', label: 'Name', current: 'Riverside walking group', proposed: 'Riverside walks' },
      { field: 'phone', label: 'Phone number', current: '0117 496 0000', proposed: 'Not given' },
      {
        field: 'attributes',
        label: 'What link workers need to know',
        current: 'Drop-in, no appointment needed, Free',
        proposed: 'Drop-in, no appointment needed, Free, Dogs welcome',
      },
    ]);
    expect(diffRows(base, { status: 'temporarily closed' })).toEqual([{ field: 'status', label: 'Status', current: 'Running', proposed: 'Temporarily closed' }]);
  });
});

describe('review dates', () => {
  it('counts 6 months back by calendar, clamping to the end of shorter months', () => {
    expect(monthsBefore('2030-06-15', 6)).toBe('2029-12-15');
    expect(monthsBefore('2030-08-31', 6)).toBe('2030-02-28');
    expect(monthsBefore('2032-08-31', 6)).toBe('2032-02-29');
    expect(daysBefore('2030-03-01', 30)).toBe('2030-01-30');
  });

  it('says a service may be out of date when never checked or checked 6 months ago or more', () => {
    expect(mayBeOutOfDate(null, '2030-06-15')).toBe(true);
    expect(mayBeOutOfDate('2029-12-15', '2030-06-15')).toBe(true);
    expect(mayBeOutOfDate('2029-12-16', '2030-06-15')).toBe(false);
  });

  it('takes today in England, not UTC', () => {
    expect(dayIn(new Date('2030-06-30T23:30:00Z'))).toBe('2030-07-01');
    expect(dayIn(new Date('2030-01-31T23:30:00Z'))).toBe('2030-01-31');
    expect(isDay('2030-02-29')).toBe(false);
    expect(isDay('2032-02-29')).toBe(true);
  });
});

describe('the review reminder message', () => {
  it('names the directory and the services, and nothing about any person', () => {
    const message = providerMessage('directory-review-reminder', { directory: 'Riverside PCN', services: ['Walking group', 'Lunch club'] });
    expect(message.subject).toBe('Please check your directory entries');
    expect(message.body).toContain('Riverside PCN');
    expect(message.body).toContain('2 of your services have not been checked for 6 months or more');
    expect(message.body).toContain('- Walking group\n- Lunch club');
    const one = providerMessage('directory-review-reminder', { directory: 'Riverside PCN', services: ['Walking group'] });
    expect(one.body).toContain('one of your services has not been checked');
  });

  it('lists at most ten services', () => {
    const services = Array.from({ length: 13 }, (_, i) => `Service ${i + 1}`);
    const { body } = providerMessage('directory-review-reminder', { directory: 'Riverside PCN', services });
    expect(body).toContain('- Service 10\n- and 3 more');
    expect(body).not.toContain('Service 11');
  });
});
