import { createHash, createHmac, randomUUID, webcrypto } from 'node:crypto';
import type { JWK } from 'jose';

/** What a phone, a terminal or an attacker would do with WebCrypto alone: independent of our signing code. */
export type TestKey = { privateKey: webcrypto.CryptoKey; publicJwk: JWK };

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

export async function newKey(): Promise<TestKey> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const { kty, crv, x, y } = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty: kty!, crv: crv!, x: x!, y: y! } };
}

export async function signJws(header: object, payload: object, key: TestKey): Promise<string> {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const sig = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, Buffer.from(input));
  return `${input}.${b64u(new Uint8Array(sig))}`;
}

export function unsignedJws(header: object, payload: object): string {
  return `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}.`;
}

export function hs256Jws(header: object, payload: object, secret: string): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const sha256b64u = (text: string) => createHash('sha256').update(text).digest('base64url');
export const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export interface ProofOptions {
  chl: string;
  tid: string;
  iat: number;
  amt?: number;
  pts?: number;
  jti?: string;
  typ?: string;
  alg?: string;
}

/** The phone's proof for one tap or purchase. */
export function proofFor(device: TestKey, credential: string, o: ProofOptions) {
  const payload: Record<string, unknown> = {
    ath: sha256b64u(credential),
    chl: o.chl,
    tid: o.tid,
    iat: o.iat,
    jti: o.jti ?? randomUUID(),
  };
  if (o.amt !== undefined) payload.amt = o.amt;
  if (o.pts !== undefined) payload.pts = o.pts;
  return signJws({ alg: o.alg ?? 'ES256', typ: o.typ ?? 'onecard-proof+jwt' }, payload, device);
}

/** A machine client's assertion. */
export function assertionFor(
  clientId: string,
  key: TestKey,
  now = new Date(),
  { lifetime = 120, aud = 'onecard', jti = randomUUID() } = {},
) {
  const iat = seconds(now);
  return signJws(
    { alg: 'ES256', typ: 'JWT' },
    { iss: clientId, sub: clientId, aud, iat, exp: iat + lifetime, jti },
    key,
  );
}
