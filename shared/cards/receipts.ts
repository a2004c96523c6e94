import { pooled } from '../async/pool';
import type { Signer } from '../keys/jws';
import { signCompactJwsText } from '../keys/jws';
import { receiptHeadOf } from '../ledger/receipt-chain';
import { type StatementLine, statementLinesPage } from '../ledger/statement-receipts';
import { readWallet } from '../ledger/wallet-head';
import { RECEIPT_TYP, type ReceiptHead } from '../receipts/format';
import type { Store } from '../store/store';

/** Signatures in flight at once for one page: KMS signs each receipt, and its rate is the city's. */
const SIGNING_CONCURRENCY = 8;

export type SignedLine = Omit<StatementLine, 'receiptText' | 'receiptBroken'> & { receipt: string | null };

/**
 * A page of a card's statement, each money entry with its receipt signed now under the issuer's
 * current key (the same text, so the same link, whenever it is signed), and the chain's head: the
 * card's newest receipt, which the holder's copy must end at. An entry from before receipts, or one
 * that no longer hashes to what its transaction kept, has none: `broken` names the latter.
 */
export async function signedStatementPage(
  store: Store,
  signer: Signer,
  cardId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: SignedLine[]; nextCursor: string | null; chainHead: ReceiptHead | null; broken: string[] }> {
  const [lines, wallet] = await Promise.all([
    statementLinesPage(store, cardId, page.limit, page.cursor),
    readWallet(store, cardId),
  ]);
  const items = await pooled(lines.items, SIGNING_CONCURRENCY, async (line) => {
    const { receiptText, receiptBroken: _broken, ...entry } = line;
    const receipt = receiptText ? await signCompactJwsText({ typ: RECEIPT_TYP }, receiptText, signer) : null;
    return { ...entry, receipt };
  });
  return {
    items,
    nextCursor: lines.nextCursor,
    chainHead: receiptHeadOf(wallet?.carried) ?? null,
    broken: lines.items.filter((l) => l.receiptBroken).map((l) => l.entryId),
  };
}
