/**
 * Makes docs/vectors/pseudonymous-vectors.json: the unlinkable credential (version 2) beside version 1
 * at terminals that accept one or both, each case with the versions and scope the terminal is set to
 * and the verdict it must reach. Run once (`node --import tsx docs/vectors/make-pseudonymous-vectors.ts`);
 * test/unit/credentials/pseudonymous-vectors.test.ts runs them against our verifier.
 */
import { randomUUID, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { issueCredential, issuePseudonymousCredentials } from '../../shared/credentials/issue';
import { Pseudonyms } from '../../shared/credentials/pseudonyms';
import type { Signer } from '../../shared/keys/jws';

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');
async function pair() {
  const p = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const privateJwk = await exportJWK(p.privateKey);
  const { kty, crv, x, y } = privateJwk;
  return { privateJwk, publicJwk: { kty, crv, x, y } as JWK, key: p.privateKey };
}
const sign = async (input: string, key: webcrypto.CryptoKey) =>
  b64u(new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(input))));

const ISSUER = 'https://onecard.example.cn';
// 08:00 in Shanghai on 2026-11-27: fare day 2026-11-27 began at 04:00.
const now = new Date('2026-11-27T08:00:00+08:00');
const dayStart = new Date('2026-11-27T04:00:00+08:00');
const terminalId = 'term_0a1b2c3d4e5f';
const challenge = 'c-7f3a9e';
const issuer = await pair();
const kid = await calculateJwkThumbprint(issuer.publicJwk);
const signer: Signer = {
  kid,
  sign: async (input) =>
    new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, issuer.key, input)),
};
const pseudonyms = new Pseudonyms('vectors-only-pseudonym-key-0001');
const busKey = await pair();
const teaKey = await pair();
const device = await pair();
const common = {
  issuer: ISSUER,
  cardId: 'card_vectors0000000001',
  deviceId: 'dev_vectors01',
  fareClass: 'adult' as const,
  offlineLimitFen: 2000,
};

const day = async (fareDay: string, start: Date) =>
  issuePseudonymousCredentials(signer, pseudonyms, {
    ...common,
    fareDay,
    dayStart: start,
    keys: [
      { scope: 'op:bus-co', publicJwk: busKey.publicJwk },
      { scope: 'm:m-tea', publicJwk: teaKey.publicJwk },
    ],
  });
const today = await day('2026-11-27', dayStart);
const yesterday = await day('2026-11-26', new Date(dayStart.getTime() - 86400_000));
const credentialOf = (issued: Awaited<ReturnType<typeof day>>, scope: string) =>
  issued.credentials.find((c) => c.scope === scope)?.credential ?? '';
const v1 = (
  await issueCredential(signer, {
    ...common,
    devicePublicJwk: device.publicJwk,
    now: new Date(now.getTime() - 3600_000),
  })
).credential;

async function proofFor(credential: string, key: webcrypto.CryptoKey, over: Record<string, unknown> = {}) {
  const ath = b64u(new Uint8Array(await webcrypto.subtle.digest('SHA-256', Buffer.from(credential))));
  const header = b64u(JSON.stringify({ alg: 'ES256', typ: 'onecard-proof+jwt' }));
  const payload = b64u(
    JSON.stringify({
      ath,
      chl: challenge,
      tid: terminalId,
      iat: Math.floor(now.getTime() / 1000),
      jti: randomUUID(),
      ...over,
    }),
  );
  return `${header}.${payload}.${await sign(`${header}.${payload}`, key)}`;
}
const busToday = credentialOf(today, 'op:bus-co');
const sub = (credential: string) => JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString()).sub;
const bus = { versions: [1, 2], scope: 'op:bus-co' };

const cases = [
  {
    name: 'version 2 at a terminal of its operator',
    credential: busToday,
    proof: await proofFor(busToday, busKey.key),
    terminal: bus,
    expected: 'ACCEPT',
  },
  {
    name: 'version 1 at a terminal that takes both',
    credential: v1,
    proof: await proofFor(v1, device.key),
    terminal: bus,
    expected: 'ACCEPT',
  },
  {
    name: 'version 2 at a terminal that takes only version 1',
    credential: busToday,
    proof: await proofFor(busToday, busKey.key),
    terminal: { versions: [1] },
    expected: 'PROOF_INVALID',
  },
  {
    name: 'version 1 at a terminal that retired it',
    credential: v1,
    proof: await proofFor(v1, device.key),
    terminal: { versions: [2], scope: 'op:bus-co' },
    expected: 'PROOF_INVALID',
  },
  {
    name: 'version 2 of another operator (a tea house’s at the bus)',
    credential: credentialOf(today, 'm:m-tea'),
    proof: await proofFor(credentialOf(today, 'm:m-tea'), teaKey.key),
    terminal: bus,
    expected: 'PROOF_INVALID',
  },
  {
    name: 'version 2 whose pseudonym is on the day’s deny list',
    credential: busToday,
    proof: await proofFor(busToday, busKey.key),
    terminal: bus,
    denyPseudonyms: [sub(busToday)],
    expected: 'CARD_FROZEN',
  },
  {
    name: 'version 2 of yesterday’s fare day',
    credential: credentialOf(yesterday, 'op:bus-co'),
    proof: await proofFor(credentialOf(yesterday, 'op:bus-co'), busKey.key),
    terminal: bus,
    expected: 'CREDENTIAL_EXPIRED',
  },
  {
    name: 'a proof signed by the device key instead of the day’s key',
    credential: busToday,
    proof: await proofFor(busToday, device.key),
    terminal: bus,
    expected: 'PROOF_INVALID',
  },
];

const vectors = {
  description: 'OneCard unlinkable credential (version 2) test vectors; see docs/terminal-verification.md',
  issuer: ISSUER,
  now: now.toISOString(),
  at: now.toISOString(),
  terminalId,
  challenge,
  jwks: { keys: [{ ...issuer.publicJwk, kid, alg: 'ES256', use: 'sig' }] },
  dayKeys: { 'op:bus-co': busKey.privateJwk, 'm:m-tea': teaKey.privateJwk },
  cases,
};
writeFileSync(new URL('./pseudonymous-vectors.json', import.meta.url), `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${cases.length} cases`);
