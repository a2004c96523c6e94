import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { GuardedWrite, PlanContext } from '../ledger/command';
import type { ItemKey } from '../store/items';
import { accountKey, proofJtiKey } from '../store/keys';
import { PSEUDONYMOUS_CREDENTIAL_TYP } from './claims';
import type { Pseudonyms } from './pseudonyms';

/** Why a tap or a purchase presented with the phone is declined: the verifier's reasons and the backend's. */
export const PRESENTATION_DECLINE_CODES = [
  'PROOF_INVALID',
  'CREDENTIAL_EXPIRED',
  'TAP_TIME_INVALID',
  'CARD_FROZEN',
  'CARD_CLOSED',
  'DEVICE_REVOKED',
  'REPLAYED',
  'INSUFFICIENT_FUNDS',
] as const;
export type PresentationDeclineCode = (typeof PRESENTATION_DECLINE_CODES)[number];

/** Names the proof's replay guard among a command's writes; its failure means "read the guard". */
export const PROOF_GUARD = 'proof-jti';
/** Card, device and proof ids we issue or accept are far shorter; DynamoDB keys stop at 2048 bytes. */
const MAX_ID_LENGTH = 128;
/** Replay guards outlive the longest a proof can be accepted: 7 days of offline upload, plus a day. */
const PROOF_GUARD_KEEP_SECONDS = 8 * 24 * 3600;

export interface ClaimedKeys {
  cardId: string;
  deviceId: string;
  jti: string;
  /** Named by a version 2 credential's sealed `cid`, not its `sub`. */
  pseudonymous: boolean;
}

/**
 * The card and device the tokens name, read before they are verified so reading and verifying overlap:
 * a version 1 credential's `sub` and `did`; a version 2 credential's sealed `cid`, opened with the
 * issuer's pseudonym key for its scope and fare day (what it names is authentic: only the issuer seals).
 */
export async function claimedIdentity(
  card: { credential: string; proof: string },
  pseudonyms: (() => Promise<Pseudonyms>) | undefined,
): Promise<ClaimedKeys | null> {
  let claims: JWTPayload;
  let jti: unknown;
  let typ: unknown;
  try {
    claims = decodeJwt(card.credential);
    typ = decodeProtectedHeader(card.credential).typ;
    jti = decodeJwt(card.proof).jti;
  } catch {
    return null;
  }
  // Unverified yet: bounded, so that no caller-made id can make a DynamoDB key too long to read.
  if (!isId(jti)) return null;
  if (typ !== PSEUDONYMOUS_CREDENTIAL_TYP) {
    const { sub, did } = claims;
    return isId(sub) && isId(did) ? { cardId: sub, deviceId: did, jti, pseudonymous: false } : null;
  }
  const { scp, fdy, cid } = claims;
  if (!pseudonyms || typeof scp !== 'string' || typeof fdy !== 'string' || typeof cid !== 'string') return null;
  const opened = (await pseudonyms()).open(scp, fdy, cid);
  return opened ? { ...opened, jti, pseudonymous: true } : null;
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_ID_LENGTH;

/**
 * What a presented card's command reads: the card; the proof's replay guard only after its write
 * failed once (optimistic: a fresh proof costs no read).
 */
export function presentationReads(
  claimed: ClaimedKeys | null,
  ctx: PlanContext,
  extra: Record<string, ItemKey> = {},
): Record<string, ItemKey> {
  if (!claimed) return extra;
  return {
    ...extra,
    wallet: accountKey(claimed.cardId),
    ...(ctx.conflicts.has(PROOF_GUARD) ? { jti: proofJtiKey(claimed.deviceId, claimed.jti) } : {}),
  };
}

/** Uses up the proof's jti with the accepted tap or purchase; a used one fails the transaction. */
export function proofGuardWrite(
  tableName: string,
  deviceId: string,
  jti: string,
  at: Date,
  usedBy: string,
): GuardedWrite {
  return {
    name: PROOF_GUARD,
    item: {
      Put: {
        TableName: tableName,
        Item: {
          ...proofJtiKey(deviceId, jti),
          usedBy,
          ttl: Math.floor(at.getTime() / 1000) + PROOF_GUARD_KEEP_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: 'replan',
  };
}
