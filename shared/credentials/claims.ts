import type { JWK, JWTPayload } from 'jose';
import { FARE_CLASSES, type FareClass } from '../fares/fare-table';

export const CREDENTIAL_TYP = 'onecard-credential+jwt';
/** The unlinkable credential: a pseudonym per operator and fare day instead of the card (pseudonyms.ts). */
export const PSEUDONYMOUS_CREDENTIAL_TYP = 'onecard-credential-v2+jwt';
export const CREDENTIAL_VERSIONS = [1, 2] as const;
export type CredentialVersion = (typeof CREDENTIAL_VERSIONS)[number];
export const CREDENTIAL_TYPS: Record<CredentialVersion, string> = {
  1: CREDENTIAL_TYP,
  2: PSEUDONYMOUS_CREDENTIAL_TYP,
};
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

/**
 * Version 2: what a terminal of one operator sees of a card on one fare day. No card id, no device id,
 * a device key made for this operator and day alone, and the fare day's own start and end as its
 * times: nothing in it is the same for another operator or another day.
 */
export interface PseudonymousClaims {
  iss: string;
  /** The card's pseudonym for this operator and fare day (what the operator's deny list names). */
  sub: string;
  /** The operator it is for: `op:<operatorId>`, `m:<merchantId>`, `f:<facilityId>`. */
  scp: string;
  /** The fare day it is for (YYYY-MM-DD). */
  fdy: string;
  /** The card and device, sealed for the backend alone. */
  cid: string;
  iat: number;
  exp: number;
  jti: string;
  cnf: { jwk: JWK };
  fcl: FareClass;
  olim: number;
}

/** A verified credential of either version. */
export type VerifiedCredential = ({ version: 1 } & CredentialClaims) | ({ version: 2 } & PseudonymousClaims);

export interface ProofClaims {
  ath: string;
  chl: string;
  tid: string;
  iat: number;
  jti: string;
  amt?: number;
  /** The most alliance points the citizen lets this purchase spend (absent: none). */
  pts?: number;
}

const isString = (v: unknown): v is string => typeof v === 'string';
// The verifier runs on terminals: only jose and node:crypto, so no store helper here.
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** A P-256 public JWK's parts, or undefined if the value is not one. */
export function p256JwkOf(value: unknown): JWK | undefined {
  if (!isMap(value)) return undefined;
  const { kty, crv, x, y } = value;
  if (kty !== 'EC' || crv !== 'P-256' || !isString(x) || !isString(y)) return undefined;
  return { kty, crv, x, y };
}

/** A verified credential's claims, each of its type; undefined if one is missing or of another. */
export function credentialClaimsOf(p: JWTPayload): CredentialClaims | undefined {
  const { iss, sub, iat, exp, jti, did, olim, cnf } = p;
  const fcl = FARE_CLASSES.find((c) => c === p.fcl);
  const jwk = isMap(cnf) ? p256JwkOf(cnf.jwk) : undefined;
  if (!isString(iss) || !isString(sub) || !isString(did) || !isString(jti)) return undefined;
  if (!isWhole(iat) || !isWhole(exp) || !isWhole(olim) || !fcl || !jwk) return undefined;
  return { iss, sub, did, iat, exp, jti, cnf: { jwk }, fcl, olim };
}

/** A verified version 2 credential's claims, each of its type; undefined if one is missing or of another. */
export function pseudonymousClaimsOf(p: JWTPayload): PseudonymousClaims | undefined {
  const { iss, sub, iat, exp, jti, olim, cnf, scp, fdy, cid } = p;
  const fcl = FARE_CLASSES.find((c) => c === p.fcl);
  const jwk = isMap(cnf) ? p256JwkOf(cnf.jwk) : undefined;
  if (!isString(iss) || !isString(sub) || !isString(jti)) return undefined;
  if (!isString(scp) || !isString(fdy) || !isString(cid)) return undefined;
  if (!isWhole(iat) || !isWhole(exp) || !isWhole(olim) || !fcl || !jwk) return undefined;
  return { iss, sub, scp, fdy, cid, iat, exp, jti, cnf: { jwk }, fcl, olim };
}

/** A verified proof's claims, each of its type; undefined if one is missing or of another. */
export function proofClaimsOf(p: JWTPayload): ProofClaims | undefined {
  const { ath, chl, tid, iat, jti, amt, pts } = p;
  if (!isString(ath) || !isString(chl) || !isString(tid) || !isWhole(iat) || !isString(jti)) return undefined;
  if (amt !== undefined && !isWhole(amt)) return undefined;
  if (pts !== undefined && !(isWhole(pts) && pts >= 0)) return undefined;
  return { ath, chl, tid, iat, jti, ...(amt === undefined ? {} : { amt }), ...(pts === undefined ? {} : { pts }) };
}
