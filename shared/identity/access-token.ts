import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import { UnauthenticatedError } from '../errors';
import { type Signer, signCompactJws } from '../keys/jws';

export const ACCESS_TOKEN_TYP = 'at+jwt';
export const ACCESS_TOKEN_AUDIENCE = 'onecard-app';
/** Short-lived: a stolen token is worth an hour; the app logs in again with an SMS code. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

export interface AccessClaims {
  citizenId: string;
  phone: string;
}

export async function issueAccessToken(signer: Signer, issuer: string, claims: AccessClaims, now: Date) {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ACCESS_TOKEN_LIFETIME_SECONDS;
  const token = await signCompactJws(
    { typ: ACCESS_TOKEN_TYP },
    {
      iss: issuer,
      aud: ACCESS_TOKEN_AUDIENCE,
      sub: claims.citizenId,
      phn: claims.phone,
      iat,
      exp,
      jti: crypto.randomUUID(),
    },
    signer,
  );
  return { accessToken: token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Pinned: ES256 only, our typ, issuer and audience, and every time bound with no slack beyond 30 s. */
export async function verifyAccessToken(
  token: string,
  jwks: { keys: JWK[] },
  issuer: string,
  now: Date,
): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      typ: ACCESS_TOKEN_TYP,
      issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      currentDate: now,
      clockTolerance: 30,
      maxTokenAge: ACCESS_TOKEN_LIFETIME_SECONDS + 30,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.phn !== 'string') throw new Error('claims');
    return { citizenId: payload.sub, phone: payload.phn };
  } catch {
    throw new UnauthenticatedError('The access token is not valid');
  }
}
