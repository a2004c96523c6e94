import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import { isConditionFailed } from '../store/conditions';
import { assertionJtiKey } from '../store/keys';
import type { Store } from '../store/store';
import type { MachineClient } from './clients';

export const ASSERTION_AUDIENCE = 'onecard';
/** A machine assertion lives at most 5 minutes (exp - iat), and we allow 30 s of clock skew. */
export const ASSERTION_MAX_LIFETIME_SECONDS = 300;
const SKEW_SECONDS = 30;

/**
 * Authenticates a terminal, POS or biller by its signed assertion: ES256 under the key registered
 * for `iss`, iss = sub = clientId, aud = onecard, a lifetime of at most 5 minutes, and a jti used
 * once (remembered until the assertion expires). `spent` settles when the jti is used up, or rejects
 * 401 when it was used before: nothing may change until it has settled.
 */
export async function authenticateMachine(
  store: Store,
  assertion: string,
  loadClient: (clientId: string) => Promise<MachineClient | undefined>,
  now: Date,
): Promise<{ client: MachineClient; spent: Promise<void> }> {
  let clientId: string;
  try {
    const header = decodeProtectedHeader(assertion);
    if (header.alg !== 'ES256' || (header.typ !== undefined && header.typ !== 'JWT')) throw new Error('header');
    const unverified = decodeJwt(assertion);
    if (typeof unverified.iss !== 'string' || unverified.iss.length > 64) throw new Error('iss');
    clientId = unverified.iss;
  } catch {
    throw new UnauthenticatedError('The client assertion is not a valid ES256 JWT');
  }
  const client = await loadClient(clientId);
  if (client?.status !== 'active') throw new UnauthenticatedError('Unknown or disabled client');
  let exp: number;
  let jti: string;
  try {
    const key = await importJWK({ ...client.publicKeyJwk, alg: 'ES256' }, 'ES256');
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: ['ES256'],
      audience: ASSERTION_AUDIENCE,
      issuer: clientId,
      subject: clientId,
      currentDate: now,
      clockTolerance: SKEW_SECONDS,
      requiredClaims: ['iat', 'exp', 'jti'],
    });
    if (payload.exp! - payload.iat! > ASSERTION_MAX_LIFETIME_SECONDS) throw new Error('lifetime');
    if (payload.iat! > now.getTime() / 1000 + SKEW_SECONDS) throw new Error('iat in the future');
    if (typeof payload.jti !== 'string' || payload.jti.length > 128) throw new Error('jti');
    exp = payload.exp!;
    jti = payload.jti;
  } catch {
    throw new UnauthenticatedError('The client assertion does not verify');
  }
  // The single-use write starts now; the caller awaits it before anything the request changes (a
  // presented-card request overlaps it with reading the card and checking the proof).
  const spent = store.doc
    .send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...assertionJtiKey(clientId, jti), ttl: exp + SKEW_SECONDS + 60 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .then(
      () => undefined,
      (err) => {
        if (isConditionFailed(err)) {
          throw new UnauthenticatedError(
            'This assertion was used before: make a fresh one (new jti) for every request',
          );
        }
        throw err;
      },
    );
  spent.catch(() => undefined);
  return { client, spent };
}

export function requireKind(client: MachineClient, ...kinds: MachineClient['kind'][]) {
  if (!kinds.includes(client.kind)) throw new ForbiddenError(`This route is for ${kinds.join(' or ')} clients`);
}
