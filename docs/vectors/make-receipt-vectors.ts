/**
 * Makes docs/vectors/receipt-vectors.json: an issuer key set, one card's receipt chain, and chains
 * that a conforming verifier must refuse, each with the verdict (ok and the head, or the first bad
 * receipt's index and the problem). Run once (`node --import tsx docs/vectors/make-receipt-vectors.ts`);
 * the committed JSON is what other implementations and test/unit/receipts use.
 */
import { webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { type Signer, signCompactJwsText } from '../../shared/keys/jws';
import { RECEIPT_TYP, type ReceiptPayload, receiptText } from '../../shared/receipts/format';
import { receiptSha256 } from '../../shared/receipts/receipt';

async function pair() {
  const p = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const { kty, crv, x, y } = await exportJWK(p.privateKey);
  const publicJwk = { kty, crv, x, y } as JWK;
  return { publicJwk, key: p.privateKey, kid: await calculateJwkThumbprint(publicJwk) };
}
const signerOf = (key: webcrypto.CryptoKey, kid: string): Signer => ({
  kid,
  sign: async (input) => new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, input)),
});

const issuer = await pair();
const forger = await pair();
const sign = (
  text: string,
  header: Record<string, unknown> = { typ: RECEIPT_TYP },
  signer = signerOf(issuer.key, issuer.kid),
) => signCompactJwsText(header, text, signer);

type Body = Omit<ReceiptPayload, 'v' | 'seq' | 'prev' | 'accountId'>;
const accountId = 'card_vectors0000000001';
const movements: Body[] = [
  {
    entryId: 'topup:t-1',
    at: '2026-11-27T07:50:00+08:00',
    kind: 'topup',
    amountFen: 5000,
    balanceAfterFen: 5000,
    description: 'Top-up',
    ref: 't-1',
  },
  {
    entryId: 'tap:a-1',
    at: '2026-11-27T08:00:00+08:00',
    kind: 'fare',
    amountFen: -200,
    balanceAfterFen: 4800,
    description: 'Bus 1: board at B1-S1',
    ref: 'a-1',
    facts: {
      fare: {
        fareDay: '2026-11-27',
        dayFen: 200,
        capFen: 1000,
        monthFen: 3400,
        explanationSha256: receiptSha256('[]'),
      },
    },
  },
  {
    entryId: 'purchase:p-1',
    at: '2026-11-27T12:10:00+08:00',
    kind: 'purchase',
    amountFen: -1000,
    balanceAfterFen: 3800,
    description: '茶馆',
    ref: 'p-1',
  },
  {
    entryId: 'refund:r-1',
    at: '2026-11-27T12:30:00+08:00',
    kind: 'refund',
    amountFen: 300,
    balanceAfterFen: 4100,
    description: '茶馆 refund',
    ref: 'r-1',
  },
];

/** The chain's texts: each links to the hash of the one before. */
function chainTexts(bodies: Body[]): string[] {
  const texts: string[] = [];
  let prev: string | null = null;
  for (const [i, b] of bodies.entries()) {
    const text = receiptText({ ...b, accountId, seq: i + 1, prev });
    texts.push(text);
    prev = receiptSha256(text);
  }
  return texts;
}

const texts = chainTexts(movements);
const good = await Promise.all(texts.map((t) => sign(t)));
const lastText = texts.at(-1) ?? '';
const rewritten = chainTexts(movements.map((m, i) => (i === 2 ? { ...m, amountFen: -100 } : m)));
const rewrittenBoth = chainTexts(
  movements.map((m, i) => (i === 2 ? { ...m, amountFen: -100, balanceAfterFen: 4700 } : m)),
);
const b64u = (s: string) => Buffer.from(s).toString('base64url');

const cases = [
  {
    name: 'a good chain',
    receipts: good,
    expected: { ok: true, head: { seq: 4, sha256: receiptSha256(lastText), balanceAfterFen: 4100 } },
  },
  {
    name: 'a good chain checked after the holder’s anchor (receipt 2)',
    receipts: good.slice(2),
    after: { seq: 2, sha256: receiptSha256(texts[1] ?? ''), balanceAfterFen: 4800 },
    expected: { ok: true, head: { seq: 4, sha256: receiptSha256(lastText), balanceAfterFen: 4100 } },
  },
  {
    name: 'a forged signature: receipt 3 signed by another key under the issuer’s kid',
    receipts: [
      good[0],
      good[1],
      await sign(texts[2] ?? '', { typ: RECEIPT_TYP }, signerOf(forger.key, issuer.kid)),
      good[3],
    ],
    expected: { ok: false, index: 2, problem: 'SIGNATURE' },
  },
  {
    name: 'a missing link: receipt 2 left out',
    receipts: [good[0], good[2], good[3]],
    expected: { ok: false, index: 1, problem: 'MISSING_LINK' },
  },
  {
    name: 'a rewritten amount: receipt 3 says 1 yuan, re-signed by the issuer itself',
    receipts: [good[0], good[1], await sign(rewritten[2] ?? ''), good[3]],
    expected: { ok: false, index: 2, problem: 'BALANCE' },
  },
  {
    name: 'a rewritten amount and balance: the next receipt no longer links',
    receipts: [good[0], good[1], await sign(rewrittenBoth[2] ?? ''), good[3]],
    expected: { ok: false, index: 3, problem: 'MISSING_LINK' },
  },
  {
    name: 'not a receipt: a JWS of another typ',
    receipts: [await sign(texts[0] ?? '', { typ: 'JWT' })],
    expected: { ok: false, index: 0, problem: 'SIGNATURE' },
  },
  {
    name: 'an unsigned receipt (alg none)',
    receipts: [`${b64u(JSON.stringify({ alg: 'none', typ: RECEIPT_TYP }))}.${b64u(texts[0] ?? '')}.`],
    expected: { ok: false, index: 0, problem: 'SIGNATURE' },
  },
];

writeFileSync(
  new URL('./receipt-vectors.json', import.meta.url),
  `${JSON.stringify({ keys: { keys: [{ ...issuer.publicJwk, kid: issuer.kid, alg: 'ES256', use: 'sig' }] }, cases }, null, 2)}\n`,
);
console.log(`wrote ${cases.length} receipt cases`);
