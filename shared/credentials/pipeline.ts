import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CardItem, cardOf } from '../cards/cards';
import { ConflictError } from '../errors';
import type { KeyRing } from '../keys/keyring';
import { type CommandPlan, type GuardedWrite, type PlanContext, runCommand } from '../ledger/command';
import type { WalletMemo } from '../ledger/wallet-memo';
import type { Item, ItemKey } from '../store/items';
import { keptJson, keptText } from '../store/kept-text';
import { transferKey } from '../store/keys';
import type { Store } from '../store/store';
import type { CredentialVersion, VerifiedCredential } from './claims';
import { claimedIdentity, type PresentationDeclineCode, presentationReads, proofGuardWrite } from './presented';
import type { Pseudonyms } from './pseudonyms';
import { verifyTokens } from './verify';

/** What every presented-card request needs: the store, the issuer's keys, and the clock. */
export interface PresentationDeps {
  store: Store;
  keyRing: KeyRing;
  issuer: string;
  clock: () => Date;
  /** The issuer's pseudonym key, for version 2 credentials (none: they are refused). */
  pseudonyms?: () => Promise<Pseudonyms>;
}

/** The pseudonymous answer of a request whose answer says the card's balance: without it. */
export const withoutBalance = <R extends { balanceFen: number | null }>(result: R): R => ({
  ...result,
  balanceFen: null,
});

/** What the presenting terminal accepts: the credential versions its operator turned on, and its scope. */
export interface TerminalPolicy {
  versions: readonly CredentialVersion[];
  /** Its operator, as version 2 credentials name it (pseudonyms.ts); none where version 2 is off. */
  scope?: string;
}

/** The phone's credential and proof, as the terminal received them. */
export interface PresentedCard {
  credential: string;
  proof: string;
  challenge: string;
  /** When it happened by the terminal's clock (a tap's `at`), or the server's for online-only requests. */
  at: Date;
  /** A purchase's amount, which the proof's `amt` must equal. */
  amountFen?: number;
  /** Alliance points a purchase spends, which the proof's `pts` must cover. */
  points?: number;
}

/** Same id, same request: the body's fields in a fixed order, hashed. */
export function requestHash(request: object): string {
  const canonical = Object.keys(request)
    .sort()
    .map((k) => [k, (request as Record<string, unknown>)[k]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** The request's id and where its answer is kept for good. */
export interface AnswerRecord<R> {
  key: ItemKey;
  /** The id's name in messages: `tapId`, `paymentId`, `visitId`... */
  idName: string;
  id: string;
  requestHash: string;
  /** What the record keeps besides the answer (for audits, lists and refunds). */
  attributes(result: R, card: CardItem | undefined): Record<string, unknown>;
}

/** What an accepted presentation does, or why its own rules refuse it after all. */
export type Acceptance<R, D extends string> =
  | { decline: PresentationDeclineCode | D }
  | (CommandPlan<R> & { decline?: never });

const isDecline = <R, D extends string>(a: Acceptance<R, D>): a is { decline: PresentationDeclineCode | D } =>
  a.decline !== undefined;

export interface PresentedRequest<R, D extends string> {
  terminalId: string;
  /** Default: version 1 only. */
  policy?: TerminalPolicy | undefined;
  /**
   * The answer to a terminal that was shown a pseudonymous credential, with whatever would let it or
   * another operator link the rider (the balance) taken out: kept so, and so answered on a replay.
   */
  pseudonymous?(result: R): R;
  /**
   * The terminal's assertion being used up (its single-use write, started before the request reached
   * here): awaited before anything is committed or answered, so a replayed assertion changes nothing.
   */
  assertionSpent?: Promise<void> | undefined;
  card: PresentedCard;
  record: AnswerRecord<R>;
  /** An upload's run of one card: what the previous request of the run left of the card (wallet-memo.ts). */
  memo?: WalletMemo | undefined;
  /**
   * The answer to a refused presentation. Taps, purchases and visits answer it (status declined) and
   * it is kept like any answer; outlet requests throw it as a 422 instead, and nothing is kept.
   */
  decline(code: PresentationDeclineCode | D, card: CardItem | undefined): R;
  /** Writes a refusal makes besides its record, in its transaction (a tap's decline counted for the hour). */
  declineWrites?(code: PresentationDeclineCode | D): GuardedWrite[];
  /** More items to read with the card (the card the credential claims), given what earlier attempts learned. */
  reads?(ctx: PlanContext, claimedCardId: string | undefined): Record<string, ItemKey>;
  /** The verified presentation of a known card that is not denied: what the request does. */
  accept(input: {
    card: CardItem;
    credential: VerifiedCredential;
    items: Record<string, Item | undefined>;
    ctx: PlanContext;
  }): Acceptance<R, D> | Promise<Acceptance<R, D>>;
}

/** The answer kept for a request id; another body under the same id is a conflict, never a second request. */
export async function storedAnswer<R>(store: Store, record: AnswerRecord<R>): Promise<R | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: record.key, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  if (Item.requestHash !== record.requestHash) {
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', `${record.idName} ${record.id} was used for another request`);
  }
  return keptJson<R>(Item.result);
}

/** What the answer record keeps besides its key and the answer itself. */
const recordAttributes = <R>(record: AnswerRecord<R>, result: R, card: CardItem | undefined) => ({
  ...record.attributes(result, card),
  requestHash: record.requestHash,
});

function recordWrite<R>(
  tableName: string,
  record: AnswerRecord<R>,
  result: R,
  card: CardItem | undefined,
): GuardedWrite {
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: {
          ...record.key,
          ...recordAttributes(record, result, card),
          // The JSON text, kept byte for byte (compressed when long): a replay answers the very same body.
          result: keptText(JSON.stringify(result)),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: 'replay',
  };
}

const sameKey = (a: ItemKey, b: ItemKey) => a.pk === b.pk && a.sk === b.sk;

/** A refused presentation's plan: its answer kept by its id, and whatever else a refusal writes. */
function refusal<R, D extends string>(
  tableName: string,
  req: PresentedRequest<R, D>,
  code: PresentationDeclineCode | D,
  card: CardItem | undefined,
  answer: (result: R) => R,
): CommandPlan<R> {
  const result = answer(req.decline(code, card));
  return { writes: [recordWrite(tableName, req.record, result, card), ...(req.declineWrites?.(code) ?? [])], result };
}

/**
 * The one path of every request a phone's credential is presented for (a tap, a purchase, a facility
 * visit, an outlet's top-up or identity check): the shared verifier checks both signatures and every
 * time bound while the card is read; an unknown card, a denied card or device and a used proof are
 * refused; the request's own rules then say what it does; and in one transaction its answer is kept
 * by its id, the proof is used up, and its money moves.
 *
 * Optimistic: neither the stored answer nor the proof's replay guard is read up front; their
 * conditional puts catch a known id (answered as the first time) and a used proof (read on the next
 * attempt and refused REPLAYED). A new request costs one read and one transaction.
 */
export async function runPresented<R, D extends string>(
  deps: PresentationDeps,
  req: PresentedRequest<R, D>,
): Promise<R> {
  const { store } = deps;
  const policy = req.policy ?? { versions: [1] };
  const verifying = deps.keyRing.jwks().then((jwks) =>
    verifyTokens(
      { ...req.card, terminalId: req.terminalId },
      {
        issuer: deps.issuer,
        jwks,
        now: deps.clock(),
        versions: policy.versions,
        ...(policy.scope ? { scope: policy.scope } : {}),
      },
    ),
  );
  // Observed now, awaited in the plan: a failure before the plan must not go unhandled.
  verifying.catch(() => undefined);
  const claimed = await claimedIdentity(req.card, deps.pseudonyms);
  const answer = (result: R) => (claimed?.pseudonymous && req.pseudonymous ? req.pseudonymous(result) : result);
  const refuse = (code: PresentationDeclineCode | D, card: CardItem | undefined): CommandPlan<R> =>
    refusal(store.tableName, req, code, card, answer);

  return runCommand(
    store,
    {
      reads: (ctx) => presentationReads(claimed, ctx, req.reads?.(ctx, claimed?.cardId)),
      optimisticReplay: true,
      plan: async (items, ctx): Promise<CommandPlan<R>> => {
        const card = cardOf(items.wallet);
        await req.assertionSpent;
        const verdict = await verifying;
        if (!verdict.ok) return refuse(verdict.declineCode, undefined);
        // A verified credential names a device we registered to this very card.
        if (!card || !claimed) return refuse('PROOF_INVALID', undefined);
        if (card.status === 'frozen') return refuse('CARD_FROZEN', card);
        if (card.revokedDevices?.has(claimed.deviceId)) return refuse('DEVICE_REVOKED', card);
        if (card.status === 'closed') return refuse('CARD_CLOSED', card);
        if (items.jti) return refuse('REPLAYED', card);

        const accepted = await req.accept({ card, credential: verdict.credential, items, ctx });
        if (isDecline(accepted)) return refuse(accepted.decline, card);
        const result = answer(accepted.result);
        const guard = proofGuardWrite(store.tableName, claimed.deviceId, verdict.proof.jti, req.card.at, req.record.id);
        // A record kept at its transfer's key (a tap's) rides on the transfer's own put: one item, one anchor.
        if (accepted.transfer && sameKey(transferKey(accepted.transfer.transferId), req.record.key)) {
          return {
            ...accepted,
            result,
            transferAttributes: recordAttributes(req.record, result, card),
            writes: [guard, ...(accepted.writes ?? [])],
          };
        }
        return {
          ...accepted,
          result,
          writes: [recordWrite(store.tableName, req.record, result, card), guard, ...(accepted.writes ?? [])],
        };
      },
      replay: async () => {
        await req.assertionSpent;
        return storedAnswer(store, req.record);
      },
    },
    { memo: req.memo },
  );
}
