/** RFC 4180: a field is quoted only when it needs it (a comma, a quote, a line break). */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: the header, then each row, CRLF-terminated (RFC 4180). */
export function csvOf(header: readonly string[], rows: (string | number)[][]): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
