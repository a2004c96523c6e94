import { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueCredential } from '../../../shared/credentials/issue';
import { type Presentation, type VerifierContext, verifyPresentation } from '../../../shared/credentials/verify';
import type { Signer } from '../../../shared/keys/jws';
import { hs256Jws, newKey, proofFor, seconds, signJws, type TestKey, unsignedJws } from '../../support/jose-kit';

const ISSUER = 'https://onecard.test';
const NOW = new Date('2026-11-27T08:00:00+08:00');
const TERMINAL = 'term_1';
const CHALLENGE = 'c-123';
const noDeny = { cards: new Set<string>(), devices: new Set<string>() };

let issuerKey: TestKey;
let kid: string;
let device: TestKey;
let ctx: VerifierContext;

async function credentialAt(issuedAt: Date, lifetimeSeconds = 86400, key = issuerKey, keyId = kid) {
  const s: Signer = {
    kid: keyId,
    sign: async (input) =>
      new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, input)),
  };
  return (
    await issueCredential(s, {
      issuer: ISSUER,
      cardId: 'card_abc',
      deviceId: 'dev_1',
      devicePublicJwk: device.publicJwk,
      fareClass: 'adult',
      offlineLimitFen: 2000,
      now: issuedAt,
      lifetimeSeconds,
    })
  ).credential;
}

async function presentation(
  over: Partial<Presentation> & { proofOptions?: Partial<Parameters<typeof proofFor>[2]> } = {},
): Promise<Presentation> {
  const credential = over.credential ?? (await credentialAt(new Date(NOW.getTime() - 3600_000)));
  const at = over.at ?? NOW;
  const proof =
    over.proof ??
    (await proofFor(device, credential, { chl: CHALLENGE, tid: TERMINAL, iat: seconds(at), ...over.proofOptions }));
  return {
    credential,
    proof,
    challenge: over.challenge ?? CHALLENGE,
    terminalId: over.terminalId ?? TERMINAL,
    at,
    ...(over.amountFen !== undefined ? { amountFen: over.amountFen } : {}),
  };
}

const verdictOf = async (p: Presentation, deny = noDeny, context = ctx) => {
  const v = await verifyPresentation(p, context, deny);
  return v.ok ? 'ACCEPT' : v.declineCode;
};

beforeAll(async () => {
  issuerKey = await newKey();
  kid = await calculateJwkThumbprint(issuerKey.publicJwk);
  device = await newKey();
  ctx = {
    issuer: ISSUER,
    jwks: { keys: [{ ...issuerKey.publicJwk, kid, alg: 'ES256', use: 'sig' } as JWK] },
    now: NOW,
  };
});

describe('the terminal verifier', () => {
  it('accepts a fresh credential and proof', async () => {
    expect(await verdictOf(await presentation())).toBe('ACCEPT');
  });

  it('accepts a QR code shown without a live challenge', async () => {
    expect(await verdictOf(await presentation({ challenge: 'qr', proofOptions: { chl: 'qr' } }))).toBe('ACCEPT');
  });

  it('declines a credential signed by another key under our kid', async () => {
    const forger = await newKey();
    expect(
      await verdictOf(
        await presentation({ credential: await credentialAt(new Date(NOW.getTime() - 60_000), 86400, forger, kid) }),
      ),
    ).toBe('PROOF_INVALID');
  });

  it('declines an unknown kid', async () => {
    expect(
      await verdictOf(
        await presentation({
          credential: await credentialAt(new Date(NOW.getTime() - 60_000), 86400, issuerKey, 'other-kid'),
        }),
      ),
    ).toBe('PROOF_INVALID');
  });

  it('declines a proof signed by another device', async () => {
    const credential = await credentialAt(new Date(NOW.getTime() - 60_000));
    const thief = await newKey();
    const proof = await proofFor(thief, credential, { chl: CHALLENGE, tid: TERMINAL, iat: seconds(NOW) });
    expect(await verdictOf(await presentation({ credential, proof }))).toBe('PROOF_INVALID');
  });

  it('declines the wrong typ on either token', async () => {
    const credential = await credentialAt(new Date(NOW.getTime() - 60_000));
    const [, payload] = credential.split('.');
    const retyped = await signJws(
      { alg: 'ES256', kid, typ: 'JWT' },
      JSON.parse(Buffer.from(payload!, 'base64url').toString()),
      issuerKey,
    );
    expect(await verdictOf(await presentation({ credential: retyped }))).toBe('PROOF_INVALID');
    expect(await verdictOf(await presentation({ credential, proofOptions: { typ: 'JWT' } }))).toBe('PROOF_INVALID');
  });

  it('declines alg none and HS256 keyed with the public key', async () => {
    const credential = await credentialAt(new Date(NOW.getTime() - 60_000));
    const claims = JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString());
    const none = unsignedJws({ alg: 'none', kid, typ: 'onecard-credential+jwt' }, claims);
    expect(await verdictOf(await presentation({ credential: none }))).toBe('PROOF_INVALID');
    const confused = hs256Jws(
      { alg: 'HS256', kid, typ: 'onecard-credential+jwt' },
      claims,
      JSON.stringify(issuerKey.publicJwk),
    );
    expect(await verdictOf(await presentation({ credential: confused }))).toBe('PROOF_INVALID');
    const proofClaims = { ath: 'x', chl: CHALLENGE, tid: TERMINAL, iat: seconds(NOW), jti: 'j' };
    const noneProof = unsignedJws({ alg: 'none', typ: 'onecard-proof+jwt' }, proofClaims);
    expect(await verdictOf(await presentation({ credential, proof: noneProof }))).toBe('PROOF_INVALID');
  });

  it('declines a credential expired, or not yet valid, at the tap time (60 s skew)', async () => {
    const old = await credentialAt(new Date(NOW.getTime() - 86400_000 - 61_000));
    expect(await verdictOf(await presentation({ credential: old }))).toBe('CREDENTIAL_EXPIRED');
    const justInSkew = await credentialAt(new Date(NOW.getTime() - 86400_000 - 50_000));
    expect(await verdictOf(await presentation({ credential: justInSkew }))).toBe('ACCEPT');
    const future = await credentialAt(new Date(NOW.getTime() + 120_000));
    expect(await verdictOf(await presentation({ credential: future }))).toBe('CREDENTIAL_EXPIRED');
  });

  it('declines an ath that is not this credential’s hash', async () => {
    const credential = await credentialAt(new Date(NOW.getTime() - 60_000));
    const other = await credentialAt(new Date(NOW.getTime() - 120_000));
    const proof = await proofFor(device, other, { chl: CHALLENGE, tid: TERMINAL, iat: seconds(NOW) });
    expect(await verdictOf(await presentation({ credential, proof }))).toBe('PROOF_INVALID');
  });

  it('declines the wrong challenge or terminal', async () => {
    expect(await verdictOf(await presentation({ proofOptions: { chl: 'other' } }))).toBe('PROOF_INVALID');
    expect(await verdictOf(await presentation({ proofOptions: { tid: 'term_2' } }))).toBe('PROOF_INVALID');
  });

  it('declines a proof more than 30 s from the tap time', async () => {
    expect(await verdictOf(await presentation({ proofOptions: { iat: seconds(NOW) - 31 } }))).toBe('PROOF_INVALID');
    expect(await verdictOf(await presentation({ proofOptions: { iat: seconds(NOW) - 30 } }))).toBe('ACCEPT');
    expect(await verdictOf(await presentation({ proofOptions: { iat: seconds(NOW) + 31 } }))).toBe('PROOF_INVALID');
  });

  it('declines a purchase whose amt is not its amount', async () => {
    expect(await verdictOf(await presentation({ amountFen: 2500, proofOptions: { amt: 2500 } }))).toBe('ACCEPT');
    expect(await verdictOf(await presentation({ amountFen: 2500, proofOptions: { amt: 250 } }))).toBe('PROOF_INVALID');
    expect(await verdictOf(await presentation({ amountFen: 2500 }))).toBe('PROOF_INVALID');
  });

  it('declines a frozen card and a revoked device from the deny list', async () => {
    const p = await presentation();
    expect(await verdictOf(p, { cards: new Set(['card_abc']), devices: new Set() })).toBe('CARD_FROZEN');
    expect(await verdictOf(p, { cards: new Set(), devices: new Set(['dev_1']) })).toBe('DEVICE_REVOKED');
  });

  it('declines a tap time more than 60 s ahead or more than 7 days old', async () => {
    const ahead = new Date(NOW.getTime() + 61_000);
    expect(await verdictOf(await presentation({ at: ahead }))).toBe('TAP_TIME_INVALID');
    const old = new Date(NOW.getTime() - 7 * 86400_000 - 1000);
    expect(await verdictOf(await presentation({ at: old }))).toBe('TAP_TIME_INVALID');
    const offlineSixDays = new Date(NOW.getTime() - 6 * 86400_000);
    const credential = await credentialAt(new Date(offlineSixDays.getTime() - 3600_000));
    expect(await verdictOf(await presentation({ at: offlineSixDays, credential }))).toBe('ACCEPT');
  });
});
