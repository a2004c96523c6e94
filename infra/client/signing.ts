/**
 * What a phone, a terminal and the payment provider sign, with the project's own claim names and
 * bounds (shared/credentials/claims.ts, shared/clients/assertion.ts): the demo and the simulator
 * sign with this, so a change of format reaches them with the verifier. The tests sign with
 * WebCrypto alone (test/support/jose-kit.ts), on purpose independent of this.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { ASSERTION_AUDIENCE } from '../../shared/clients/assertion';
import { PROOF_TYP, type ProofClaims } from '../../shared/credentials/claims';

/** A P-256 public key as the API takes it. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** An ES256 key pair as JWKs: the private one stays with its owner (a file, for the simulator). */
export interface KeyPairJwk {
  privateJwk: JWK;
  publicJwk: PublicJwk;
}

/** The assertion lives two minutes: well inside the five the API allows. */
const ASSERTION_LIFETIME_SECONDS = 120;

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

export async function newKeyPair(): Promise<KeyPairJwk> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { x, y } = await exportJWK(publicKey);
  return { privateJwk: await exportJWK(privateKey), publicJwk: { kty: 'EC', crv: 'P-256', x: x!, y: y! } };
}

const signingKey = (pair: KeyPairJwk) => importJWK({ ...pair.privateJwk, alg: 'ES256' }, 'ES256');

/** A machine client's bearer token for one request: single-use (fresh jti), iss = sub = clientId. */
export async function machineAssertion(clientId: string, pair: KeyPairJwk, now = new Date()): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(ASSERTION_AUDIENCE)
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(await signingKey(pair));
}

export interface Presentation {
  challenge: string;
  credential: string;
  proof: string;
}

/**
 * The phone's answer to a terminal's challenge: the credential and a proof bound to it (`ath`), to
 * this terminal (`tid`), to the challenge (`chl`) and, for a purchase, to the amount (`amt`) and the
 * most alliance points it may spend (`pts`).
 */
export async function present(
  device: KeyPairJwk,
  credential: string,
  terminal: { clientId: string; challenge?: string; amountFen?: number; points?: number; at?: Date },
): Promise<Presentation> {
  const challenge = terminal.challenge ?? randomUUID();
  const claims: ProofClaims = {
    ath: createHash('sha256').update(credential).digest('base64url'),
    chl: challenge,
    tid: terminal.clientId,
    iat: seconds(terminal.at ?? new Date()),
    jti: randomUUID(),
    ...(terminal.amountFen === undefined ? {} : { amt: terminal.amountFen }),
    // The holder's consent to spend alliance points: at most this many.
    ...(terminal.points === undefined ? {} : { pts: terminal.points }),
  };
  const proof = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', typ: PROOF_TYP })
    .sign(await signingKey(device));
  return { challenge, credential, proof };
}

/** The payment provider's `OneCard-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function webhookSignature(secret: string, body: string, at = new Date()): string {
  const t = seconds(at);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** A resident id number (GB 11643) for a birth date and sequence, with its check character. */
export function residentIdNumber(birthDate: string, sequence: number, region = '445202'): string {
  const digits = `${region}${birthDate.replaceAll('-', '')}${String(sequence % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  return digits + '10X98765432'[sum % 11];
}
