import { createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';
import { InvariantError } from '../errors';

/**
 * Accepts a P-256 public key as JWK, and only that: EC, P-256, 32-byte coordinates that lie on the
 * curve (node's import checks the point), and no private part. Answers the normalized key or why not.
 */
export function p256PublicKeyProblem(jwk: Record<string, unknown>): string | null {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') return 'must be an EC key on P-256';
  if ('d' in jwk) return 'must not contain the private key';
  const { x, y } = jwk;
  if (!isCoordinate(x)) return 'x must be 32 bytes, base64url';
  if (!isCoordinate(y)) return 'y must be 32 bytes, base64url';
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  } catch {
    return 'the point is not on the curve';
  }
  return null;
}

const isCoordinate = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);

/** The key's public parts only, once p256PublicKeyProblem found nothing wrong with it. */
export function normalizedPublicJwk(jwk: Record<string, unknown>): JWK {
  const { x, y } = jwk;
  if (!isCoordinate(x) || !isCoordinate(y)) throw new InvariantError('a key is normalized only once it was checked');
  return { kty: 'EC', crv: 'P-256', x, y };
}
