import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { RefusedError } from '../errors';
import { currentFareDays } from '../time/shanghai';

/**
 * The pseudonyms of the unlinkable credential (version 2): what a terminal of one operator sees of a
 * card on one fare day. Derived by the issuer under a key only it holds (a secret of the service,
 * never given to a terminal), one key per operator ("scope") and fare day (HKDF), so that two days or
 * two operators share nothing a terminal can compare.
 *
 * - `pseudonym`: 16 bytes of HMAC-SHA256 of the card id, base64url: the credential's `sub` and what
 *   the operator's deny list names for that day (deterministic, so the backend can list frozen cards).
 * - `seal` / `open`: the card and device, encrypted deterministically for the backend alone (SIV:
 *   the IV is an HMAC of the plaintext, AES-256-CTR under it; `open` recomputes the HMAC, so a sealed
 *   value nobody made under this key opens to nothing): the credential's `cid`. The backend maps a
 *   presentation back to its card without storing anything per credential.
 */
export interface SealedIdentity {
  cardId: string;
  deviceId: string;
}

const PSEUDONYM_BYTES = 16;
const IV_BYTES = 16;
/** Derived keys kept per scope and day: a busy instance sees a few operators' today and tomorrow. */
const DERIVED_CACHE = 1024;
/** What a scope may be: `op:<operatorId>`, `m:<merchantId>`, `f:<facilityId>`. */
export const PSEUDONYM_SCOPE = /^(op|m|f):[A-Za-z0-9_-]{1,64}$/;
const FARE_DAY = /^\d{4}-\d{2}-\d{2}$/;

export class Pseudonyms {
  private readonly derived = new Map<string, { mac: Buffer; enc: Buffer }>();

  constructor(private readonly masterKey: string) {
    if (masterKey.length < 16) throw new Error('the pseudonym key is at least 16 characters');
  }

  pseudonym(scope: string, fareDay: string, cardId: string): string {
    const { mac } = this.keys(scope, fareDay);
    return createHmac('sha256', mac)
      .update(`card|${cardId}`)
      .digest()
      .subarray(0, PSEUDONYM_BYTES)
      .toString('base64url');
  }

  seal(scope: string, fareDay: string, identity: SealedIdentity): string {
    const { mac, enc } = this.keys(scope, fareDay);
    const plain = Buffer.from(JSON.stringify([identity.cardId, identity.deviceId]));
    const iv = createHmac('sha256', mac).update('seal|').update(plain).digest().subarray(0, IV_BYTES);
    const cipher = createCipheriv('aes-256-ctr', enc, iv);
    return Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString('base64url');
  }

  /** The identity a sealed value holds, or undefined if it was not sealed under this scope and day. */
  open(scope: string, fareDay: string, sealed: string): SealedIdentity | undefined {
    if (!PSEUDONYM_SCOPE.test(scope) || !FARE_DAY.test(fareDay) || sealed.length > 400) return undefined;
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length <= IV_BYTES) return undefined;
    const { mac, enc } = this.keys(scope, fareDay);
    const iv = bytes.subarray(0, IV_BYTES);
    const decipher = createDecipheriv('aes-256-ctr', enc, iv);
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES)), decipher.final()]);
    const expected = createHmac('sha256', mac).update('seal|').update(plain).digest().subarray(0, IV_BYTES);
    if (!timingSafeEqual(expected, iv)) return undefined;
    const parsed: unknown = JSON.parse(plain.toString('utf8'));
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return undefined;
    return { cardId: parsed[0], deviceId: parsed[1] };
  }

  private keys(scope: string, fareDay: string) {
    if (!PSEUDONYM_SCOPE.test(scope)) throw new Error(`not a pseudonym scope: ${scope}`);
    if (!FARE_DAY.test(fareDay)) throw new Error(`not a fare day: ${fareDay}`);
    const id = `${scope}|${fareDay}`;
    let keys = this.derived.get(id);
    if (!keys) {
      const okm = Buffer.from(hkdfSync('sha256', this.masterKey, 'onecard-pseudonyms', id, 64));
      keys = { mac: okm.subarray(0, 32), enc: okm.subarray(32) };
      if (this.derived.size >= DERIVED_CACHE) this.derived.delete(this.derived.keys().next().value ?? '');
      this.derived.set(id, keys);
    }
    return keys;
  }
}

/** The pseudonym key from the service's secrets, kept while the secret is unchanged (read again after its cache). */
export function pseudonymsOf(secret: () => Promise<string>): () => Promise<Pseudonyms> {
  let kept: { value: string; pseudonyms: Pseudonyms } | undefined;
  return async () => {
    const value = await secret();
    if (kept?.value !== value) kept = { value, pseudonyms: new Pseudonyms(value) };
    return kept.pseudonyms;
  };
}

/** What version 2 credentials and their deny lists are made for: today's fare day or the next (else 422). */
export function requireCurrentFareDay(fareDay: string, now: Date, startHour: number): void {
  const [today, tomorrow] = currentFareDays(now, startHour);
  if (fareDay !== today && fareDay !== tomorrow) {
    throw new RefusedError('FARE_DAY_OUT_OF_RANGE', `Only fare days ${today} and ${tomorrow}`);
  }
}
