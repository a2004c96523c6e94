import { createHash } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import {
  CREDENTIAL_MAX_LIFETIME_SECONDS,
  CREDENTIAL_SKEW_SECONDS,
  CREDENTIAL_TYPS,
  CREDENTIAL_VERSIONS,
  type CredentialVersion,
  credentialClaimsOf,
  PROOF_TYP,
  PROOF_WINDOW_SECONDS,
  type ProofClaims,
  proofClaimsOf,
  pseudonymousClaimsOf,
  TAP_FUTURE_SECONDS,
  TAP_MAX_AGE_SECONDS,
  type VerifiedCredential,
} from './claims';

/**
 * The terminal verifier: what a validator or POS runs offline, and what the backend runs again
 * before it moves money. Only jose and node:crypto; no network, no clock of its own.
 */
export type DeclineCode =
  | 'PROOF_INVALID'
  | 'CREDENTIAL_EXPIRED'
  | 'TAP_TIME_INVALID'
  | 'CARD_FROZEN'
  | 'DEVICE_REVOKED';

export interface Presentation {
  credential: string;
  proof: string;
  /** The challenge this terminal showed ('qr' for a QR code shown without one). */
  challenge: string;
  /** This terminal's clientId. */
  terminalId: string;
  /** When the tap or purchase happened, by the terminal's clock. */
  at: Date;
  /** Alliance points a purchase spends, which the proof's `pts` must cover; absent for a tap. */
  points?: number;
  /** A purchase's amount, which the proof's `amt` must equal; absent for a tap. */
  amountFen?: number;
}

export interface VerifierContext {
  issuer: string;
  jwks: { keys: JWK[] };
  /** The verifier's clock (the terminal's, or the server's). */
  now: Date;
  /** The credential versions this terminal accepts (its operator turns version 2 on): default [1]. */
  versions?: readonly CredentialVersion[];
  /** This terminal's operator (`op:…`, `m:…`, `f:…`): a version 2 credential must be for it. */
  scope?: string;
}

export interface DenyList {
  cards: ReadonlySet<string>;
  devices: ReadonlySet<string>;
  /** The fare day's pseudonyms of frozen cards for this terminal's operator (version 2). */
  pseudonyms?: ReadonlySet<string>;
}

export type Verdict =
  | { ok: true; credential: VerifiedCredential; proof: ProofClaims }
  | { ok: false; declineCode: DeclineCode; reason: string };

type Declined = Extract<Verdict, { ok: false }>;
const decline = (declineCode: DeclineCode, reason: string): Declined => ({ ok: false, declineCode, reason });

/**
 * Imported keys, kept: importing a P-256 key costs about as much as verifying with it. The issuer key
 * set is cached per JWKS object (a terminal replaces the object when it refreshes), device keys by
 * their coordinates, at most DEVICE_KEY_CACHE of them (a busy validator sees the same phones daily).
 */
const DEVICE_KEY_CACHE = 4096;
const issuerKeySets = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>();
const deviceKeys = new Map<string, Promise<CryptoKey | Uint8Array>>();
type CryptoKey = Awaited<ReturnType<typeof importJWK>>;

function issuerKeySet(jwks: { keys: JWK[] }) {
  let set = issuerKeySets.get(jwks);
  if (!set) {
    set = createLocalJWKSet(jwks);
    issuerKeySets.set(jwks, set);
  }
  return set;
}

function deviceKey(jwk: JWK) {
  const id = `${jwk.crv}:${jwk.x}:${jwk.y}`;
  let key = deviceKeys.get(id);
  if (!key) {
    if (deviceKeys.size >= DEVICE_KEY_CACHE) deviceKeys.delete(deviceKeys.keys().next().value!);
    key = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, alg: 'ES256' }, 'ES256');
    key.catch(() => deviceKeys.delete(id));
    deviceKeys.set(id, key);
  }
  return key;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The credential's signature, version, claims, scope and times, at the tap's time. */
async function verifyCredential(
  p: Presentation,
  ctx: VerifierContext,
  atSeconds: number,
): Promise<{ credential: VerifiedCredential } | Declined> {
  const version = credentialVersionOf(p.credential);
  if (!version || !(ctx.versions ?? [1]).includes(version)) {
    return decline('PROOF_INVALID', 'credential: not a version this terminal accepts');
  }
  let credential: VerifiedCredential | undefined;
  try {
    const { payload } = await jwtVerify(p.credential, issuerKeySet(ctx.jwks), {
      algorithms: ['ES256'],
      typ: CREDENTIAL_TYPS[version],
      issuer: ctx.issuer,
      currentDate: p.at,
      clockTolerance: CREDENTIAL_SKEW_SECONDS,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    });
    credential = claimsOfVersion(version, payload);
  } catch (err) {
    if (err instanceof errors.JWTExpired)
      return decline('CREDENTIAL_EXPIRED', 'the credential had expired at the tap time');
    if (err instanceof errors.JWTClaimValidationFailed && (err.claim === 'iat' || err.claim === 'nbf')) {
      return decline('CREDENTIAL_EXPIRED', 'the credential was not yet valid at the tap time');
    }
    return decline('PROOF_INVALID', `credential: ${messageOf(err)}`);
  }
  if (!credential) return decline('PROOF_INVALID', 'the credential lacks a claim or one is of another type');
  // Another operator's pseudonymous credential would let two operators compare what they saw.
  if (credential.version === 2 && credential.scp !== ctx.scope) {
    return decline('PROOF_INVALID', 'the credential is for another operator');
  }
  if (credential.iat > atSeconds + CREDENTIAL_SKEW_SECONDS) {
    return decline('CREDENTIAL_EXPIRED', 'the credential was not yet valid at the tap time');
  }
  if (credential.exp - credential.iat > CREDENTIAL_MAX_LIFETIME_SECONDS) {
    return decline('PROOF_INVALID', 'the credential lives too long');
  }
  return { credential };
}

/** Checks both signatures and every claim and time bound; everything except the deny list. */
export async function verifyTokens(p: Presentation, ctx: VerifierContext): Promise<Verdict> {
  const atSeconds = Math.floor(p.at.getTime() / 1000);
  const nowSeconds = Math.floor(ctx.now.getTime() / 1000);
  if (
    !Number.isFinite(atSeconds) ||
    atSeconds > nowSeconds + TAP_FUTURE_SECONDS ||
    atSeconds < nowSeconds - TAP_MAX_AGE_SECONDS
  ) {
    return decline('TAP_TIME_INVALID', 'the tap time is more than 60 s ahead or more than 7 days old');
  }

  const checked = await verifyCredential(p, ctx, atSeconds);
  if ('declineCode' in checked) return checked;
  const { credential } = checked;

  let proof: ProofClaims | undefined;
  try {
    if (credential.cnf.jwk.kty !== 'EC' || credential.cnf.jwk.crv !== 'P-256')
      throw new Error('cnf.jwk is not a P-256 key');
    const { payload } = await jwtVerify(p.proof, await deviceKey(credential.cnf.jwk), {
      algorithms: ['ES256'],
      typ: PROOF_TYP,
      currentDate: p.at,
      requiredClaims: ['iat', 'jti'],
      // The proof's age is bounded below against `at`, not by jose's default leniency.
      clockTolerance: PROOF_WINDOW_SECONDS,
    });
    proof = proofClaimsOf(payload);
  } catch (err) {
    return decline('PROOF_INVALID', `proof: ${messageOf(err)}`);
  }
  if (!proof) return decline('PROOF_INVALID', 'the proof lacks a claim or one is of another type');
  if (proof.jti.length === 0 || proof.jti.length > 128) return decline('PROOF_INVALID', 'proof jti');
  if (Math.abs(proof.iat - atSeconds) > PROOF_WINDOW_SECONDS)
    return decline('PROOF_INVALID', 'the proof is older than 30 s');
  if (proof.ath !== credentialHash(p.credential)) return decline('PROOF_INVALID', 'ath does not match the credential');
  if (proof.chl !== p.challenge) return decline('PROOF_INVALID', 'the proof answers another challenge');
  if (proof.tid !== p.terminalId) return decline('PROOF_INVALID', 'the proof is for another terminal');
  if (p.amountFen !== undefined && proof.amt !== p.amountFen) return decline('PROOF_INVALID', 'amt is not the amount');
  // Only the phone spends its points: the terminal asks, the holder's proof says how many at most.
  if ((p.points ?? 0) > (proof.pts ?? 0)) return decline('PROOF_INVALID', 'pts does not cover the points to spend');
  return { ok: true, credential, proof };
}

/** The credential's version by its header's `typ` (unverified: the signature is checked under that typ). */
function credentialVersionOf(credential: string): CredentialVersion | undefined {
  try {
    const { typ } = decodeProtectedHeader(credential);
    return CREDENTIAL_VERSIONS.find((v) => CREDENTIAL_TYPS[v] === typ);
  } catch {
    return undefined;
  }
}

function claimsOfVersion(version: CredentialVersion, payload: JWTPayload): VerifiedCredential | undefined {
  if (version === 1) {
    const claims = credentialClaimsOf(payload);
    return claims && { version, ...claims };
  }
  const claims = pseudonymousClaimsOf(payload);
  return claims && { version, ...claims };
}

/** The deny list's word on a credential that verified. */
export function denyDecision(credential: VerifiedCredential, deny: DenyList): Verdict | null {
  if (credential.version === 2) {
    return deny.pseudonyms?.has(credential.sub) ? decline('CARD_FROZEN', 'the card is on the deny list') : null;
  }
  if (deny.cards.has(credential.sub)) return decline('CARD_FROZEN', 'the card is on the deny list');
  if (deny.devices.has(credential.did)) return decline('DEVICE_REVOKED', 'the device is on the deny list');
  return null;
}

/** The whole offline check: tokens, then the deny list. Replay of `jti` is the caller's own cache. */
export async function verifyPresentation(p: Presentation, ctx: VerifierContext, deny: DenyList): Promise<Verdict> {
  const verdict = await verifyTokens(p, ctx);
  if (!verdict.ok) return verdict;
  return denyDecision(verdict.credential, deny) ?? verdict;
}

export function credentialHash(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}

/** A phone's receipts, checked offline by the same module (an inspector's "capped today": docs/receipts.md). */
export { cappedOn, verifyReceiptChain } from '../receipts/verify-chain';
