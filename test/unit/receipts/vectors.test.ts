import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ChainAnchor, verifyReceiptChain } from '../../../shared/receipts/verify-chain';

interface ReceiptCase {
  name: string;
  receipts: string[];
  after?: ChainAnchor;
  expected: { ok: true; head: object } | { ok: false; index: number; problem: string };
}
const vectors = JSON.parse(readFileSync('docs/vectors/receipt-vectors.json', 'utf8'));
const cases: [string, ReceiptCase][] = vectors.cases.map((c: ReceiptCase) => [c.name, c]);

describe('the published receipt-chain vectors (docs/vectors/receipt-vectors.json)', () => {
  it.each(cases)('%s', async (_name, c) => {
    const verdict = await verifyReceiptChain(c.receipts, vectors.keys, c.after);
    const seen = verdict.ok
      ? { ok: true, head: verdict.head }
      : { ok: false, index: verdict.index, problem: verdict.problem };
    expect(seen).toEqual(c.expected);
  });

  it('refuses no receipts at all; a slice checked without its anchor is checked from its own first link', async () => {
    expect(await verifyReceiptChain([], vectors.keys)).toMatchObject({ ok: false, problem: 'FORMAT' });
    const good = vectors.cases[0].receipts as string[];
    expect(await verifyReceiptChain(good.slice(1), vectors.keys)).toMatchObject({ ok: true, head: { seq: 4 } });
    expect(await verifyReceiptChain(good.slice(1), { keys: [] })).toMatchObject({ ok: false, problem: 'SIGNATURE' });
  });
});
