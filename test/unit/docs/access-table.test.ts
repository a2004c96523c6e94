import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessTable, withAccessTable } from '../../../infra/docs/access-table';

/** Markdown tables compare by content: the formatter pads their cells. */
const content = (md: string) => md.replace(/-{3,}/g, '---').replace(/ {2,}/g, ' ');

describe('docs/operations.md’s access table', () => {
  it('says what infra/areas.ts grants each role (npm run docs writes it)', () => {
    const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    expect(content(doc)).toBe(content(withAccessTable(doc)));
    expect(accessTable()).toContain('| `admin` area | read, write | the whole table |');
  });
});
