/**
 * Addresses on the outbox list are shown only well enough to tell messages apart: the last four
 * characters of a phone number, the first letter and the domain of an email address.
 */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/\s+/g, '');
  if (compact.length <= 4) return '•'.repeat(compact.length);
  return '•'.repeat(compact.length - 4) + compact.slice(-4);
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}

export function maskRecipient(channel: 'email' | 'text', recipient: string): string {
  return channel === 'email' ? maskEmail(recipient) : maskPhone(recipient);
}
