import { readFileSync, writeFileSync } from 'node:fs';
import { AREAS, JOBS, type TableAccess } from '../areas';

const START = '<!-- table-access:start (npm run docs writes this from infra/areas.ts) -->';
const END = '<!-- table-access:end -->';

const cell = (text: string) => text.replaceAll('|', '\\|');
const partitions = (t: TableAccess) =>
  t.leadingKeys ? t.leadingKeys.map((k) => `\`${k}\``).join(' ') : 'the whole table';

/** The per-role table of what each function may touch in DynamoDB, and why: rendered from infra/areas.ts. */
export function accessTable(): string {
  const rows = [
    ...AREAS.map((a) => ({ role: `\`${a.name}\` area`, table: a.table })),
    ...JOBS.map((j) => ({ role: `\`${j.name}\` job`, table: j.table })),
  ].map(({ role, table }) =>
    [
      role,
      table.access === 'read' ? 'read' : 'read, write',
      partitions(table) + (table.scan ? ', and Scan' : ''),
      table.indexes.length > 0 ? table.indexes.join(', ') : 'none',
      cell(table.why),
    ].join(' | '),
  );
  return [
    START,
    '| role | may | partitions (table or index) | indexes | why |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    END,
  ].join('\n');
}

/** The doc with its access table as the areas say it is now. */
export function withAccessTable(doc: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error('docs/operations.md has no table-access markers');
  return doc.slice(0, from) + accessTable() + doc.slice(to + END.length);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = new URL('../../docs/operations.md', import.meta.url);
  writeFileSync(path, withAccessTable(readFileSync(path, 'utf8')));
  console.log(`wrote ${path.pathname}`);
}
