import { invariant } from '../errors';
import { type FareFacts, type ReceiptFacts, type ReceiptHead, receiptText } from '../receipts/format';
import { receiptSha256 } from '../receipts/receipt';
import { attributes, isMap } from '../store/attributes';
import type { Item } from '../store/items';

/**
 * Where a wallet carries its receipt chain's end from entry to entry (0-fen entries and marks too):
 * `<seq>:<sha256>`. On a money entry it is that entry's own receipt; on the entry before it, the
 * receipt it links to. A string, not a map: a commuter's entry stays under 1 KB (2 write units).
 */
export const RECEIPT_HEAD = 'receiptHead';
/** On a fare's entry, what its receipt says beyond its money: `<fareDay>,<dayFen>,<capFen>,<monthFen>`. */
export const RECEIPT_FARE = 'receiptFare';

const HEAD = /^(\d{1,12}):([A-Za-z0-9_-]{43})$/;
const FARE = /^(\d{4}-\d{2}-\d{2}),(\d+),(\d+),(\d+)$/;

export const headText = (head: ReceiptHead) => `${head.seq}:${head.sha256}`;

/** The chain's end an entry carries (none before the wallet's first receipt). */
export function receiptHeadOf(carried: unknown): ReceiptHead | undefined {
  if (!isMap(carried)) return undefined;
  const stored = attributes(carried, 'carried').optStr(RECEIPT_HEAD);
  if (stored === undefined) return undefined;
  const m = HEAD.exec(stored);
  invariant(m !== null, 'a receipt head is <seq>:<sha256>');
  return { seq: Number(m[1]), sha256: m[2] ?? '' };
}

/**
 * A money entry's link in its wallet's receipt chain, made in the movement's own transaction: the
 * wallet's new end, and what the entry keeps of the receipt's facts (the explanation's digest is not
 * kept: the movement's answer keeps the explanation itself). Two movements planned on one head cannot
 * both commit (wallet-head.ts), so the chain never forks.
 */
export function chainedReceipt(
  accountId: string,
  fields: Item,
  facts: ReceiptFacts | undefined,
  carried: Item | undefined,
): { entry: Item; head: string } {
  const before = receiptHeadOf(carried);
  const seq = (before?.seq ?? 0) + 1;
  const sha256 = receiptSha256(receiptTextOf(accountId, fields, facts, { seq, prev: before?.sha256 ?? null }));
  const fare = facts?.fare;
  return {
    entry: fare ? { [RECEIPT_FARE]: `${fare.fareDay},${fare.dayFen},${fare.capFen},${fare.monthFen}` } : {},
    head: headText({ seq, sha256 }),
  };
}

/** The receipt's text from an entry's own fields: the same at the commit and at every signing. */
export function receiptTextOf(
  accountId: string,
  fields: Item,
  facts: ReceiptFacts | undefined,
  link: { seq: number; prev: string | null },
): string {
  const a = attributes(fields, 'receipt entry');
  return receiptText({
    accountId,
    seq: link.seq,
    entryId: a.str('entryId'),
    at: a.str('at'),
    kind: a.str('kind'),
    amountFen: a.int('amountFen'),
    balanceAfterFen: a.int('balanceAfterFen'),
    description: a.str('description'),
    ref: a.str('ref'),
    ...(facts ? { facts } : {}),
    prev: link.prev,
  });
}

/** A fare entry's kept facts, with the digest of its answer's explanation (read from its transfer). */
export function fareFactsOf(entry: Item, explanationSha256: string): FareFacts | undefined {
  const stored = attributes(entry, 'fare entry').optStr(RECEIPT_FARE);
  if (stored === undefined) return undefined;
  const m = FARE.exec(stored);
  invariant(m !== null, 'a fare receipt’s facts are <fareDay>,<dayFen>,<capFen>,<monthFen>');
  return {
    fareDay: m[1] ?? '',
    dayFen: Number(m[2]),
    capFen: Number(m[3]),
    monthFen: Number(m[4]),
    explanationSha256,
  };
}
