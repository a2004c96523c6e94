import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { invariant } from '../errors';
import type { FareClass } from '../fares/fare-table';
import { type Signer, signCompactJws } from '../keys/jws';
import {
  CREDENTIAL_MAX_LIFETIME_SECONDS,
  CREDENTIAL_TYP,
  type CredentialClaims,
  PSEUDONYMOUS_CREDENTIAL_TYP,
  type PseudonymousClaims,
} from './claims';
import type { Pseudonyms } from './pseudonyms';

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

/** At most this many operators' credentials at once: a phone's transit operators, and the shops and gates it expects. */
export const MAX_PSEUDONYMOUS_CREDENTIALS = 32;

export interface PseudonymousInput {
  issuer: string;
  cardId: string;
  deviceId: string;
  fareClass: FareClass;
  offlineLimitFen: number;
  fareDay: string;
  /** The fare day's start: the credential's iat, and its exp 24 hours later (the same for every rider). */
  dayStart: Date;
  /** One key pair the phone made for each operator and this day alone: the credential binds it (cnf). */
  keys: { scope: string; publicJwk: JWK }[];
}

/**
 * The phone's unlinkable credentials for one fare day (version 2): one per operator, each naming the
 * card by that operator's pseudonym for the day, its key, and the card and device sealed for the
 * backend. Nothing in one is in another, or in the next day's.
 */
export async function issuePseudonymousCredentials(signer: Signer, pseudonyms: Pseudonyms, input: PseudonymousInput) {
  invariant(input.keys.length <= MAX_PSEUDONYMOUS_CREDENTIALS, 'a bounded number of operators at once');
  const iat = Math.floor(input.dayStart.getTime() / 1000);
  const exp = iat + CREDENTIAL_MAX_LIFETIME_SECONDS;
  const identity = { cardId: input.cardId, deviceId: input.deviceId };
  const credentials = await Promise.all(
    input.keys.map(async ({ scope, publicJwk }) => {
      const claims: PseudonymousClaims = {
        iss: input.issuer,
        sub: pseudonyms.pseudonym(scope, input.fareDay, input.cardId),
        scp: scope,
        fdy: input.fareDay,
        cid: pseudonyms.seal(scope, input.fareDay, identity),
        iat,
        exp,
        jti: randomUUID(),
        cnf: { jwk: publicJwk },
        fcl: input.fareClass,
        olim: input.offlineLimitFen,
      };
      return { scope, credential: await signCompactJws({ typ: PSEUDONYMOUS_CREDENTIAL_TYP }, { ...claims }, signer) };
    }),
  );
  return {
    fareDay: input.fareDay,
    validFrom: new Date(iat * 1000).toISOString(),
    expiresAt: new Date(exp * 1000).toISOString(),
    credentials,
  };
}
