import { base64url, compactVerify, createLocalJWKSet, errors, type JSONWebKeySet } from 'jose';
import { RECEIPT_TYP, RECEIPT_VERSION, type ReceiptHead, type ReceiptPayload } from './format';

/**
 * The receipt-chain verifier: what a phone, an inspector's handheld or anyone in a dispute runs
 * offline over a card's receipts, oldest first. Only jose and WebCrypto (Node and browsers alike); no
 * network. The browser wallet runs it over the statement it reads.
 *
 * Each receipt must carry a valid ES256 signature under one of the issuer's receipt keys (the
 * `/.well-known/onecard-receipt-keys.json` set: every key that ever signed one), name the same
 * account, follow the one before it by number and by hash, and move the balance by exactly its
 * amount. The first receipt checked links to `after` when given (what the holder verified last time).
 */
export type ChainProblem =
  | 'SIGNATURE' /** not signed by an issuer key, or not a receipt (alg, typ) */
  | 'FORMAT' /** the payload is not a receipt of this version */
  | 'ACCOUNT' /** a receipt of another account in the chain */
  | 'MISSING_LINK' /** a number skipped, or a receipt whose `prev` is not the hash of the one before */
  | 'BALANCE'; /** the balance after it is not the balance before plus its amount */

export type ChainVerdict =
  | {
      ok: true;
      head: ReceiptHead & { balanceAfterFen: number };
      receipts: ReceiptPayload[];
      /** Each receipt's hash, in the same order: what a holder compares a receipt kept before with. */
      sha256s: string[];
    }
  | { ok: false; index: number; problem: ChainProblem; detail: string };

/** Where the holder's verified chain ended: the next receipt must link to it. */
export interface ChainAnchor {
  seq: number;
  sha256: string;
  balanceAfterFen: number;
}

/** Bounded: a statement page holds at most 100; a holder checks a month or a year in slices. */
export const MAX_RECEIPTS_PER_CHECK = 10_000;

export async function verifyReceiptChain(
  receipts: string[],
  keys: JSONWebKeySet,
  after?: ChainAnchor,
): Promise<ChainVerdict> {
  if (receipts.length === 0 || receipts.length > MAX_RECEIPTS_PER_CHECK) {
    return { ok: false, index: 0, problem: 'FORMAT', detail: `between 1 and ${MAX_RECEIPTS_PER_CHECK} receipts` };
  }
  const keySet = createLocalJWKSet(keys);
  const read: ReceiptPayload[] = [];
  const sha256s: string[] = [];
  let last: ChainAnchor | undefined = after;
  for (const [index, receipt] of receipts.entries()) {
    const opened = await openReceipt(receipt, keySet);
    if (!opened.ok) return { ok: false, index, problem: opened.problem, detail: opened.detail };
    const { payload, sha256 } = opened;
    const broken = linkProblem(payload, read[0]?.accountId, last);
    if (broken) return { ok: false, index, ...broken };
    read.push(payload);
    sha256s.push(sha256);
    last = { seq: payload.seq, sha256, balanceAfterFen: payload.balanceAfterFen };
  }
  if (!last) throw new Error('a chain of at least one receipt has a last one');
  return { ok: true, head: last, receipts: read, sha256s };
}

type Opened =
  | { ok: true; payload: ReceiptPayload; sha256: string }
  | { ok: false; problem: ChainProblem; detail: string };

/** One receipt's signature (ES256, its `typ`, a key of the set) and payload. */
async function openReceipt(receipt: string, keySet: ReturnType<typeof createLocalJWKSet>): Promise<Opened> {
  let bytes: Uint8Array;
  try {
    const verified = await compactVerify(receipt, keySet, { algorithms: ['ES256'] });
    if (verified.protectedHeader.typ !== RECEIPT_TYP) {
      return { ok: false, problem: 'SIGNATURE', detail: `typ is not ${RECEIPT_TYP}` };
    }
    bytes = verified.payload;
  } catch (err) {
    if (err instanceof errors.JOSEError) return { ok: false, problem: 'SIGNATURE', detail: err.code };
    throw err;
  }
  const payload = payloadOf(bytes);
  if (!payload) return { ok: false, problem: 'FORMAT', detail: 'not a receipt of this version' };
  return { ok: true, payload, sha256: await sha256Of(bytes) };
}

/** SHA-256 of the payload's bytes, base64url: the link, as format.ts defines it. */
async function sha256Of(bytes: Uint8Array): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))));
}

function payloadOf(bytes: Uint8Array): ReceiptPayload | undefined {
  let p: Partial<ReceiptPayload>;
  try {
    p = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  const ints = [p.seq, p.amountFen, p.balanceAfterFen];
  if (p.v !== RECEIPT_VERSION || typeof p.accountId !== 'string' || !ints.every(Number.isSafeInteger)) return undefined;
  if (p.prev !== null && typeof p.prev !== 'string') return undefined;
  return p as ReceiptPayload;
}

/** Whether a receipt follows the one before it (or the holder's anchor): number, hash, balance. */
function linkProblem(
  p: ReceiptPayload,
  accountId: string | undefined,
  last: ChainAnchor | undefined,
): { problem: ChainProblem; detail: string } | undefined {
  if (accountId !== undefined && p.accountId !== accountId) {
    return { problem: 'ACCOUNT', detail: `${p.accountId} in the chain of ${accountId}` };
  }
  if (!last) {
    return p.seq === 1 && p.prev !== null
      ? { problem: 'MISSING_LINK', detail: 'the first receipt links to one before' }
      : undefined;
  }
  if (p.seq !== last.seq + 1) return { problem: 'MISSING_LINK', detail: `receipt ${p.seq} follows ${last.seq}` };
  if (p.prev !== last.sha256) return { problem: 'MISSING_LINK', detail: `receipt ${p.seq} links elsewhere` };
  if (last.balanceAfterFen + p.amountFen !== p.balanceAfterFen) {
    return {
      problem: 'BALANCE',
      detail: `${last.balanceAfterFen} + ${p.amountFen} is not ${p.balanceAfterFen}`,
    };
  }
  return undefined;
}

/** An inspector's offline check: the card's last fare receipt of the fare day shows the day's cap reached. */
export function cappedOn(receipt: ReceiptPayload, fareDay: string): boolean {
  const fare = receipt.facts?.fare;
  return fare !== undefined && fare.fareDay === fareDay && fare.dayFen >= fare.capFen;
}

/** The payload of a receipt, unverified: for showing; verify the chain before trusting it. */
export const receiptPayloadUnverified = (receipt: string): ReceiptPayload | undefined => {
  const [, body] = receipt.split('.');
  return body ? payloadOf(base64url.decode(body)) : undefined;
};
