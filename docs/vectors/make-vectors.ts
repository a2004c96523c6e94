/**
 * Makes docs/vectors/tap-vectors.json: a fixed issuer key set, a device, credentials and proofs, and
 * the verdict a conforming terminal must reach for each. Run once (`node --import tsx
 * docs/vectors/make-vectors.ts`); the committed JSON is what vendors and test/unit/credentials use.
 */
import { createHmac, randomUUID, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { issueCredential } from '../../shared/credentials/issue';
import type { Signer } from '../../shared/keys/jws';
import type { VectorCase } from './vector-case';

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

async function pair() {
  const p = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const priv = await exportJWK(p.privateKey);
  const { kty, crv, x, y } = priv;
  return { privateJwk: priv, publicJwk: { kty, crv, x, y } as JWK, key: p.privateKey };
}
async function jws(header: object, payload: object, key: webcrypto.CryptoKey) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const sig = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(input));
  return `${input}.${b64u(new Uint8Array(sig))}`;
}
const athOf = async (credential: string) =>
  b64u(new Uint8Array(await webcrypto.subtle.digest('SHA-256', Buffer.from(credential))));

const ISSUER = 'https://onecard.example.cn';
const now = new Date('2026-11-27T08:00:00+08:00');
const at = now;
const atS = Math.floor(at.getTime() / 1000);
const terminalId = 'term_0a1b2c3d4e5f';
const challenge = 'c-7f3a9e';

const issuer = await pair();
const otherIssuer = await pair();
const device = await pair();
const thief = await pair();
const kid = await calculateJwkThumbprint(issuer.publicJwk);
const signerOf = (key: webcrypto.CryptoKey, keyId: string): Signer => ({
  kid: keyId,
  sign: async (input) => new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, input)),
});
const credentialAt = async (issuedAt: Date, key = issuer.key, keyId = kid) =>
  (
    await issueCredential(signerOf(key, keyId), {
      issuer: ISSUER,
      cardId: 'card_vectors0000000001',
      deviceId: 'dev_vectors01',
      devicePublicJwk: device.publicJwk,
      fareClass: 'adult',
      offlineLimitFen: 2000,
      now: issuedAt,
    })
  ).credential;

const credential = await credentialAt(new Date(now.getTime() - 3600_000));
const proof = async (
  over: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key = device.key,
  cred = credential,
) =>
  jws(
    { alg: 'ES256', typ: 'onecard-proof+jwt', ...header },
    { ath: await athOf(cred), chl: challenge, tid: terminalId, iat: atS, jti: randomUUID(), ...over },
    key,
  );
const claims = JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString());
const noneCredential = `${b64u(JSON.stringify({ alg: 'none', kid, typ: 'onecard-credential+jwt' }))}.${b64u(JSON.stringify(claims))}.`;
const expired = await credentialAt(new Date(now.getTime() - 86400_000 - 3600_000));
const notYet = await credentialAt(new Date(now.getTime() + 600_000));
const foreign = await credentialAt(new Date(now.getTime() - 3600_000), otherIssuer.key, kid);
const unknownKid = await credentialAt(new Date(now.getTime() - 3600_000), otherIssuer.key, 'kid-never-published');
const issuedS = Math.floor(now.getTime() / 1000) - 3600;
const otherIss = await jws(
  { alg: 'ES256', kid, typ: 'onecard-credential+jwt' },
  { ...claims, iss: 'https://evil.example' },
  issuer.key,
);
const tooLong = await jws(
  { alg: 'ES256', kid, typ: 'onecard-credential+jwt' },
  { ...claims, iat: issuedS, exp: issuedS + 86400 + 3600 },
  issuer.key,
);
const hs256Input = `${b64u(JSON.stringify({ alg: 'HS256', kid, typ: 'onecard-credential+jwt' }))}.${b64u(JSON.stringify(claims))}`;
const hs256 = `${hs256Input}.${createHmac('sha256', JSON.stringify(issuer.publicJwk)).update(hs256Input).digest('base64url')}`;

const cases: VectorCase[] = [
  { name: 'a valid tap', credential, proof: await proof(), expected: 'ACCEPT' },
  {
    name: 'a valid purchase of 2500 fen',
    credential,
    proof: await proof({ amt: 2500 }),
    amountFen: 2500,
    expected: 'ACCEPT',
  },
  {
    name: 'a QR-code proof (chl "qr") at a terminal that showed a live challenge',
    credential,
    proof: await proof({ chl: 'qr' }),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'credential signed by another key under the issuer kid',
    credential: foreign,
    proof: await proof({}, {}, device.key, foreign),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'credential with alg none',
    credential: noneCredential,
    proof: await proof({}, {}, device.key, noneCredential),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'proof signed by a key other than cnf.jwk',
    credential,
    proof: await proof({}, {}, thief.key),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'proof typ JWT instead of onecard-proof+jwt',
    credential,
    proof: await proof({}, { typ: 'JWT' }),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'expired credential',
    credential: expired,
    proof: await proof({}, {}, device.key, expired),
    expected: 'CREDENTIAL_EXPIRED',
  },
  {
    name: 'credential not yet valid (beyond 60 s skew)',
    credential: notYet,
    proof: await proof({}, {}, device.key, notYet),
    expected: 'CREDENTIAL_EXPIRED',
  },
  {
    name: 'ath of another credential',
    credential,
    proof: await proof({ ath: await athOf(expired) }),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'another terminal’s challenge',
    credential,
    proof: await proof({ chl: 'c-other' }),
    expected: 'PROOF_INVALID',
  },
  { name: 'another terminal id', credential, proof: await proof({ tid: 'term_other' }), expected: 'PROOF_INVALID' },
  {
    name: 'proof 31 s older than the tap',
    credential,
    proof: await proof({ iat: atS - 31 }),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'purchase amt differs from the amount',
    credential,
    proof: await proof({ amt: 250 }),
    amountFen: 2500,
    expected: 'PROOF_INVALID',
  },
  {
    name: 'card on the deny list',
    credential,
    proof: await proof(),
    deny: { cards: ['card_vectors0000000001'], devices: [] },
    expected: 'CARD_FROZEN',
  },
  {
    name: 'device on the deny list',
    credential,
    proof: await proof(),
    deny: { cards: [], devices: ['dev_vectors01'] },
    expected: 'DEVICE_REVOKED',
  },
  // The tap's own time: terminals upload offline taps later, and their clocks drift.
  ...(await timeCases()),
  // The credential's header and claims, each pinned.
  {
    name: 'credential under a kid the issuer never published',
    credential: unknownKid,
    proof: await proof({}, {}, device.key, unknownKid),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'credential of another issuer (iss)',
    credential: otherIss,
    proof: await proof({}, {}, device.key, otherIss),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'credential signed HS256 with the issuer’s public key as the secret',
    credential: hs256,
    proof: await proof({}, {}, device.key, hs256),
    expected: 'PROOF_INVALID',
  },
  {
    name: 'credential that lives longer than 24 hours',
    credential: tooLong,
    proof: await proof({}, {}, device.key, tooLong),
    expected: 'PROOF_INVALID',
  },
];

/** Tap times around every bound: 60 s ahead, 7 days old, the proof 30 s apart, an offline tap. */
async function timeCases(): Promise<VectorCase[]> {
  const atOffset = async (name: string, offsetS: number, expected: string, proofOffsetS = 0) => {
    const tapAt = new Date(now.getTime() + offsetS * 1000);
    const tapS = Math.floor(tapAt.getTime() / 1000);
    // A credential valid at the tap's time: issued an hour before it.
    const cred = await credentialAt(new Date(tapAt.getTime() - 3600_000));
    return {
      name,
      credential: cred,
      proof: await proof({ iat: tapS + proofOffsetS }, {}, device.key, cred),
      at: tapAt.toISOString(),
      expected,
    };
  };
  return [
    await atOffset('a tap 60 s ahead of the verifier’s clock', 60, 'ACCEPT'),
    await atOffset('a tap 61 s ahead of the verifier’s clock', 61, 'TAP_TIME_INVALID'),
    await atOffset('an offline tap two hours old, verified by its own time', -2 * 3600, 'ACCEPT'),
    await atOffset('an offline tap exactly 7 days old', -7 * 86400, 'ACCEPT'),
    await atOffset('an offline tap 7 days and 1 s old', -7 * 86400 - 1, 'TAP_TIME_INVALID'),
    await atOffset('a proof made 30 s before the tap', 0, 'ACCEPT', -30),
    await atOffset('a proof made 30 s after the tap', 0, 'ACCEPT', 30),
    await atOffset('a proof made 31 s after the tap', 0, 'PROOF_INVALID', 31),
  ];
}

const vectors = {
  description: 'OneCard tap verification test vectors; see docs/terminal-verification.md',
  issuer: ISSUER,
  now: now.toISOString(),
  at: at.toISOString(),
  terminalId,
  challenge,
  jwks: { keys: [{ ...issuer.publicJwk, kid, alg: 'ES256', use: 'sig' }] },
  issuerPrivateJwk: issuer.privateJwk,
  devicePrivateJwk: device.privateJwk,
  cases,
};
writeFileSync(new URL('./tap-vectors.json', import.meta.url), `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${cases.length} cases`);
