import type { ReceiptHead } from '../receipts/format';
import { explanationSha256, receiptSha256 } from '../receipts/receipt';
import { isMap } from '../store/attributes';
import { decodeCursor, encodeCursor } from '../store/cursor';
import type { Store } from '../store/store';
import type { StatementEntry } from './model';
import { fareFactsOf, RECEIPT_FARE, receiptHeadOf, receiptTextOf } from './receipt-chain';
import { ENTRY_SK, type EntryItem, entriesNewestFirst, STATEMENT_MAX_PAGE, statementEntryOf } from './statement';
import { transferAnswers } from './transfer-answers';

/**
 * A statement line with its receipt's text, rebuilt from the entry and checked against the hash its
 * transaction kept: none for a movement from before receipts; `receiptBroken` where the entry no
 * longer hashes to what was committed (it is not signed, and the holder's chain shows the break).
 */
export type StatementLine = StatementEntry & { receiptText?: string; receiptBroken?: true };

/** A money entry and the chain's end the entry before it carried: the receipt it links to. */
interface Linked {
  entry: EntryItem;
  prev: ReceiptHead | undefined;
}

/**
 * A page of the statement with each entry's receipt. A receipt's link is the chain's end the entry
 * just older than it carried, so the page reads one entry past its last; the cursor is its last line,
 * and the next page reads that older entry again.
 */
export async function statementLinesPage(
  store: Store,
  accountId: string,
  limit: number,
  cursor?: string,
): Promise<{ items: StatementLine[]; nextCursor: string | null }> {
  const afterSk = cursor ? decodeCursor(cursor, 'statement', ENTRY_SK) : undefined;
  const { linked, lastSk, end } = await linkedEntries(store, accountId, afterSk, Math.min(limit, STATEMENT_MAX_PAGE));
  const explanations = await fareExplanations(store, linked);
  const items = linked.map(({ entry, prev }) =>
    lineOf(accountId, entry, prev, explanations.get(String(entry.entryId))),
  );
  return { items, nextCursor: end || !lastSk ? null : encodeCursor('statement', lastSk) };
}

async function linkedEntries(store: Store, accountId: string, afterSk: string | undefined, max: number) {
  const entries = entriesNewestFirst(store, accountId, afterSk);
  const linked: Linked[] = [];
  let pending: EntryItem | undefined;
  // The newest entry whose place on the page is settled: a line, or skipped (0 fen).
  let lastSk: string | undefined;
  for (;;) {
    const next = await entries.next();
    if (next.done) {
      const end = next.value === 'end';
      // The card's oldest entry links to nothing; one cut off by the page's read limit waits for the next page.
      if (pending && end) linked.push({ entry: pending, prev: undefined });
      if (pending && end) lastSk = pending.sk;
      return { linked, lastSk, end };
    }
    const item = next.value;
    if (pending) {
      linked.push({ entry: pending, prev: receiptHeadOf(item.carried) });
      lastSk = pending.sk;
      pending = undefined;
    }
    if (linked.length === max) {
      await entries.return('more');
      return { linked, lastSk, end: false };
    }
    if (item.amountFen !== 0) pending = item;
    else lastSk = item.sk;
  }
}

/** The digests of the fares' explanations, by entry: each kept in its tap's answer, read once a page. */
async function fareExplanations(store: Store, linked: Linked[]): Promise<Map<string, string>> {
  const fares = linked.filter((l) => l.entry[RECEIPT_FARE] !== undefined).map((l) => String(l.entry.entryId));
  if (fares.length === 0) return new Map();
  const answers = await transferAnswers(store, fares);
  return new Map([...answers].map(([id, text]) => [id, explanationSha256(explanationOf(JSON.parse(text)))]));
}

/** A fare's kept answer's explanation (a tap's answer always has one). */
const explanationOf = (answer: unknown) => (isMap(answer) ? answer.explanation : undefined);

function lineOf(
  accountId: string,
  entry: EntryItem,
  prev: ReceiptHead | undefined,
  explanation?: string,
): StatementLine {
  const line = statementEntryOf(entry);
  const own = receiptHeadOf(entry.carried);
  if (!own) return line;
  const fare = explanation === undefined ? undefined : fareFactsOf(entry, explanation);
  if (entry[RECEIPT_FARE] !== undefined && !fare) return { ...line, receiptBroken: true };
  const text = receiptTextOf(accountId, entry, fare ? { fare } : undefined, {
    seq: own.seq,
    prev: prev?.sha256 ?? null,
  });
  return receiptSha256(text) === own.sha256 ? { ...line, receiptText: text } : { ...line, receiptBroken: true };
}
