import { verifyReceiptChain } from '../../shared/receipts/verify-chain';
import { api, ok } from './api';
import { t } from './messages';

const ANCHOR = 'onecard-receipt-anchor';
interface Anchor {
  seq: number;
  sha256: string;
}
interface Line {
  receipt: string | null;
}

/**
 * The phone's own check of its statement: every receipt on the page signed by the issuer, linked to
 * the one before, each balance following from the last, ending at the card's chain head; and the
 * receipt it verified last time still the one it was. Offline but for the issuer's keys.
 */
export async function checkReceipts(
  cardId: string,
  page: { items: Line[]; chainHead: Anchor | null },
): Promise<{ ok: boolean; text: string }> {
  const receipts = page.items.flatMap((l) => (l.receipt ? [l.receipt] : [])).reverse();
  if (receipts.length === 0 || !page.chainHead) return { ok: true, text: t('receiptsNone') };
  const keys = await ok(api.GET('/.well-known/onecard-receipt-keys.json', {}));
  const verdict = await verifyReceiptChain(receipts, keys);
  if (!verdict.ok) return { ok: false, text: `${t('receiptsBroken')} (${verdict.problem})` };
  if (verdict.head.seq !== page.chainHead.seq || verdict.head.sha256 !== page.chainHead.sha256) {
    return { ok: false, text: `${t('receiptsBroken')} (HEAD)` };
  }
  const kept = keptAnchor(cardId);
  const at = kept ? verdict.receipts.findIndex((p) => p.seq === kept.seq) : -1;
  if (kept && at >= 0 && verdict.sha256s[at] !== kept.sha256) {
    return { ok: false, text: `${t('receiptsBroken')} (#${kept.seq})` };
  }
  localStorage.setItem(`${ANCHOR}:${cardId}`, JSON.stringify({ seq: verdict.head.seq, sha256: verdict.head.sha256 }));
  return { ok: true, text: t('receiptsVerified', { seq: verdict.head.seq }) };
}

function keptAnchor(cardId: string): Anchor | undefined {
  try {
    const kept = JSON.parse(localStorage.getItem(`${ANCHOR}:${cardId}`) ?? 'null') as Partial<Anchor> | null;
    return typeof kept?.seq === 'number' && typeof kept.sha256 === 'string'
      ? { seq: kept.seq, sha256: kept.sha256 }
      : undefined;
  } catch {
    return undefined;
  }
}
