/**
 * A movement's receipt: what a card's statement entry says, in a fixed order of fields, and the hash
 * of the card's receipt before it, so that a card's receipts form one chain (receipt.ts makes the
 * hash). Nothing here needs Node: the browser wallet's verifier reads the same format.
 */
export const RECEIPT_TYP = 'onecard-receipt+jws';
export const RECEIPT_VERSION = 1;

/** What the fare engine adds to a fare's receipt: enough for an inspector's offline "capped today". */
export interface FareFacts {
  /** The fare day the tap counted towards (YYYY-MM-DD, Asia/Shanghai, from the day's start hour). */
  fareDay: string;
  /** Fen charged in that fare day so far, this tap included (entry holds count until their exit). */
  dayFen: number;
  /** The most the card's fare class pays in one fare day. */
  capFen: number;
  /** Fen paid for rides in the fare day's month so far: what the monthly discount reads. */
  monthFen: number;
  /** SHA-256 (base64url) of the fare's explanation as the tap's answer gave it (its rules, as JSON). */
  explanationSha256: string;
}

export interface ReceiptFacts {
  fare?: FareFacts;
}

export interface ReceiptPayload {
  v: typeof RECEIPT_VERSION;
  /** The account whose chain this is: a card, or a card's points. */
  accountId: string;
  /** 1 for the account's first receipt, then one more each: a gap is a missing receipt. */
  seq: number;
  entryId: string;
  at: string;
  kind: string;
  amountFen: number;
  balanceAfterFen: number;
  description: string;
  ref: string;
  facts?: ReceiptFacts;
  /** The hash of the account's receipt before this one (null for its first). */
  prev: string | null;
}

/** The chain's end as the account carries it: the newest receipt's number and hash. */
export interface ReceiptHead {
  seq: number;
  sha256: string;
}

/** The receipt's text: its fields always in this order, so that it is rebuilt byte for byte. */
export function receiptText(p: Omit<ReceiptPayload, 'v'>): string {
  const ordered: ReceiptPayload = {
    v: RECEIPT_VERSION,
    accountId: p.accountId,
    seq: p.seq,
    entryId: p.entryId,
    at: p.at,
    kind: p.kind,
    amountFen: p.amountFen,
    balanceAfterFen: p.balanceAfterFen,
    description: p.description,
    ref: p.ref,
    ...(p.facts?.fare ? { facts: { fare: fareFactsInOrder(p.facts.fare) } } : {}),
    prev: p.prev,
  };
  return JSON.stringify(ordered);
}

const fareFactsInOrder = (f: FareFacts): FareFacts => ({
  fareDay: f.fareDay,
  dayFen: f.dayFen,
  capFen: f.capFen,
  monthFen: f.monthFen,
  explanationSha256: f.explanationSha256,
});
