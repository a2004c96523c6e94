import { createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * Accepts a P-256 public key as JWK, and only that: EC, P-256, 32-byte coordinates that lie on the
 * curve (node's import checks the point), and no private part. Answers the normalized key or why not.
 */
export function p256PublicKeyProblem(jwk: Record<string, unknown>): string | null {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') return 'must be an EC key on P-256';
  if ('d' in jwk) return 'must not contain the private key';
  for (const c of ['x', 'y'] as const) {
    const v = jwk[c];
    if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(v)) return `${c} must be 32 bytes, base64url`;
  }
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string }, format: 'jwk' });
  } catch {
    return 'the point is not on the curve';
  }
  return null;
}

export function normalizedPublicJwk(jwk: Record<string, unknown>): JWK {
  return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
}
