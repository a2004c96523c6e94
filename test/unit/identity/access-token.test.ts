import { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken, verifyAccessToken } from '../../../shared/identity/access-token';
import type { Signer } from '../../../shared/keys/jws';
import { hs256Jws, newKey, seconds, signJws, type TestKey, unsignedJws } from '../../support/jose-kit';

const ISSUER = 'https://onecard.test';
const NOW = new Date('2026-11-27T08:00:00+08:00');
let key: TestKey;
let kid: string;
let jwks: { keys: JWK[] };
let signer: Signer;

beforeAll(async () => {
  key = await newKey();
  kid = await calculateJwkThumbprint(key.publicJwk);
  jwks = { keys: [{ ...key.publicJwk, kid, alg: 'ES256', use: 'sig' }] };
  signer = {
    kid,
    sign: async (input) =>
      new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, input)),
  };
});

const claims = (over: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: 'onecard-app',
  sub: 'cit_1',
  phn: '13700000000',
  iat: seconds(NOW),
  exp: seconds(NOW) + 3600,
  jti: 'j',
  ...over,
});
const verdict = (token: string, at = NOW) =>
  verifyAccessToken(token, jwks, ISSUER, at).then(
    (c) => c.citizenId,
    (e) => e.code,
  );

describe('access tokens', () => {
  it('verify when we issued them, within their hour', async () => {
    const { accessToken } = await issueAccessToken(signer, ISSUER, { citizenId: 'cit_1', phone: '13700000000' }, NOW);
    expect(await verdict(accessToken)).toBe('cit_1');
    expect(await verdict(accessToken, new Date(NOW.getTime() + 3600_000 + 31_000))).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['another typ', { alg: 'ES256', kid, typ: 'JWT' }, {}],
    ['another issuer', { alg: 'ES256', kid, typ: 'at+jwt' }, { iss: 'https://evil' }],
    ['another audience', { alg: 'ES256', kid, typ: 'at+jwt' }, { aud: 'onecard' }],
    [
      'issued in the future',
      { alg: 'ES256', kid, typ: 'at+jwt' },
      { iat: seconds(NOW) + 120, exp: seconds(NOW) + 3700 },
    ],
    [
      'living longer than an hour',
      { alg: 'ES256', kid, typ: 'at+jwt' },
      { iat: seconds(NOW) - 7200, exp: seconds(NOW) + 3600 },
    ],
    ['no phone claim', { alg: 'ES256', kid, typ: 'at+jwt' }, { phn: undefined }],
  ])('refuse a token with %s', async (_name, header, over) => {
    expect(await verdict(await signJws(header, claims(over), key))).toBe('UNAUTHENTICATED');
  });

  it('refuse alg none and HS256 keyed with the public key', async () => {
    expect(await verdict(unsignedJws({ alg: 'none', kid, typ: 'at+jwt' }, claims()))).toBe('UNAUTHENTICATED');
    expect(await verdict(hs256Jws({ alg: 'HS256', kid, typ: 'at+jwt' }, claims(), JSON.stringify(key.publicJwk)))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuse a token signed by another key under our kid', async () => {
    const other = await newKey();
    expect(await verdict(await signJws({ alg: 'ES256', kid, typ: 'at+jwt' }, claims(), other))).toBe('UNAUTHENTICATED');
  });
});
