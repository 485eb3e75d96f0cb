/**
 * Writing CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, and a leading quote mark on
 * anything a spreadsheet would run as a formula (a directory service's name, a measure code), so an
 * export can never carry a formula into someone's spreadsheet. Plain numbers, negative ones too, are
 * left as numbers.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole CSV document: a header row, then one line per row. */
export function csvDocument(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
