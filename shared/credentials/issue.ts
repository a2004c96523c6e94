import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { FareClass } from '../fares/fare-table';
import { type Signer, signCompactJws } from '../keys/jws';
import { CREDENTIAL_MAX_LIFETIME_SECONDS, CREDENTIAL_TYP, type CredentialClaims } from './claims';

export interface CredentialInput {
  issuer: string;
  cardId: string;
  deviceId: string;
  devicePublicJwk: JWK;
  fareClass: FareClass;
  offlineLimitFen: number;
  now: Date;
  lifetimeSeconds?: number;
}

/** The phone's credential: the card bound to one device key (cnf.jwk), signed by the issuer. */
export async function issueCredential(signer: Signer, input: CredentialInput) {
  const iat = Math.floor(input.now.getTime() / 1000);
  const exp = iat + Math.min(input.lifetimeSeconds ?? CREDENTIAL_MAX_LIFETIME_SECONDS, CREDENTIAL_MAX_LIFETIME_SECONDS);
  const claims: CredentialClaims = {
    iss: input.issuer,
    sub: input.cardId,
    did: input.deviceId,
    iat,
    exp,
    jti: randomUUID(),
    cnf: { jwk: input.devicePublicJwk },
    fcl: input.fareClass,
    olim: input.offlineLimitFen,
  };
  const credential = await signCompactJws({ typ: CREDENTIAL_TYP }, { ...claims }, signer);
  return { credential, expiresAt: new Date(exp * 1000).toISOString(), claims };
}
