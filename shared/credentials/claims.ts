import type { JWK } from 'jose';
import type { FareClass } from '../fares/fare-table';

export const CREDENTIAL_TYP = 'onecard-credential+jwt';
export const PROOF_TYP = 'onecard-proof+jwt';
/** A credential lives at most a day: a lost phone's credential dies by itself within one. */
export const CREDENTIAL_MAX_LIFETIME_SECONDS = 24 * 3600;
/** Clock skew allowed on the credential's validity window. */
export const CREDENTIAL_SKEW_SECONDS = 60;
/** How far a proof's iat may be from the tap's `at`. */
export const PROOF_WINDOW_SECONDS = 30;
/** A tap's `at` may be at most this far ahead of the server clock ... */
export const TAP_FUTURE_SECONDS = 60;
/** ... and at most this old (offline terminals upload later). */
export const TAP_MAX_AGE_SECONDS = 7 * 24 * 3600;

export interface CredentialClaims {
  iss: string;
  sub: string;
  did: string;
  iat: number;
  exp: number;
  jti: string;
  cnf: { jwk: JWK };
  fcl: FareClass;
  olim: number;
}

export interface ProofClaims {
  ath: string;
  chl: string;
  tid: string;
  iat: number;
  jti: string;
  amt?: number;
}
