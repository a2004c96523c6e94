import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ConflictError } from '../errors';
import { isConditionFailed } from '../store/conditions';
import { signingKeysKey } from '../store/keys';
import type { Store } from '../store/store';
import type { Signer } from './jws';

/** Where private keys live: a local file or memory, or KMS in the cloud. */
export interface KeyMaterial {
  /** A new key pair (or a free KMS key), named by an opaque reference. */
  create(inUse: string[]): Promise<{ ref: string; publicJwk: JWK }>;
  sign(ref: string, signingInput: Uint8Array): Promise<Uint8Array>;
}

export type KeyRole = 'previous' | 'current' | 'next';
interface StoredKey {
  kid: string;
  ref: string;
  role: KeyRole;
  publicJwk: JWK;
  createdAt: string;
}
interface RetiredKey {
  kid: string;
  publicJwk: JWK;
  retiredAt: string;
}
interface KeyRingState {
  version: number;
  rotatedAt: string;
  keys: StoredKey[];
  /**
   * Public halves of the keys rotated out: a receipt signed years ago still verifies under its key.
   * Oldest first, once each, at most MAX_RETIRED_KEYS. In the cloud the ring cycles through a pool of
   * three KMS keys (kms-material.ts), so a retired key comes back and the set stays at three.
   */
  retired?: RetiredKey[];
}

const MAX_RETIRED_KEYS = 400;

/** How long an instance trusts its cached key state; a rotation reaches every instance within it. */
const CACHE_MS = 60_000;

/**
 * The issuer's signing keys: the current one signs; the next one is already published so offline
 * terminals know it before it signs anything; the previous one stays published so yesterday's
 * credentials (24 h at most) verify until they expire. Rotation moves each key one role along.
 */
export class KeyRing {
  private cached: { state: KeyRingState; at: number } | undefined;
  private published: { state: KeyRingState; jwks: { keys: JWK[] } } | undefined;

  constructor(
    private readonly store: Store,
    private readonly material: KeyMaterial,
    private readonly clock: () => Date,
  ) {}

  async signer(): Promise<Signer> {
    const state = await this.state();
    const current = state.keys.find((k) => k.role === 'current')!;
    return { kid: current.kid, sign: (input) => this.material.sign(current.ref, input) };
  }

  /**
   * The public keys terminals cache: previous, current and next. The same object is answered until
   * the keys change, so verifiers can keep their imported keys with it.
   */
  async jwks(): Promise<{ keys: JWK[] }> {
    const state = await this.state();
    if (this.published?.state !== state) {
      this.published = {
        state,
        jwks: { keys: state.keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'ES256', use: 'sig' })) },
      };
    }
    return this.published.jwks;
  }

  /**
   * Every key that ever signed (or will next): a receipt outlives the 24 hours a credential does, so
   * its verifier needs the keys rotated out too. Never for credentials: a retired key signs nothing.
   */
  async receiptKeys(): Promise<{ keys: JWK[] }> {
    const state = await this.state();
    const live = new Set(state.keys.map((k) => k.kid));
    const retired = (state.retired ?? [])
      .filter((k) => !live.has(k.kid))
      .map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'ES256', use: 'sig' }));
    return { keys: [...retired, ...(await this.jwks()).keys] };
  }

  async rotate(): Promise<{ current: string; next: string; previous: string | undefined }> {
    const state = await this.state(true);
    const current = state.keys.find((k) => k.role === 'current')!;
    const next = state.keys.find((k) => k.role === 'next')!;
    const fresh = await this.newKey('next', [current.ref, next.ref]);
    const leaving = state.keys.find((k) => k.role === 'previous');
    const now = this.clock().toISOString();
    const retired = [
      ...(state.retired ?? []).filter((k) => k.kid !== leaving?.kid),
      ...(leaving ? [{ kid: leaving.kid, publicJwk: leaving.publicJwk, retiredAt: now }] : []),
    ].slice(-MAX_RETIRED_KEYS);
    const rotated: KeyRingState = {
      version: state.version + 1,
      rotatedAt: now,
      keys: [{ ...current, role: 'previous' }, { ...next, role: 'current' }, fresh],
      retired,
    };
    try {
      await this.save(rotated, state.version);
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      // Another rotation won the race; one rotation is what was asked for. Forget the old keys so
      // this instance reads the winner's at once instead of a minute later.
      this.cached = undefined;
      throw new ConflictError('ALREADY_EXISTS', 'The keys were rotated by another request just now; read the JWKS');
    }
    return { previous: current.kid, current: next.kid, next: fresh.kid };
  }

  private async state(fresh = false): Promise<KeyRingState> {
    const now = this.clock().getTime();
    if (!fresh && this.cached && now - this.cached.at < CACHE_MS) return this.cached.state;
    const { Item } = await this.store.doc.send(
      new GetCommand({ TableName: this.store.tableName, Key: signingKeysKey, ConsistentRead: true }),
    );
    let state = Item?.state as KeyRingState | undefined;
    if (!state) {
      const current = await this.newKey('current', []);
      const next = await this.newKey('next', [current.ref]);
      state = { version: 1, rotatedAt: this.clock().toISOString(), keys: [current, next] };
      const won = await this.save(state, 0).then(
        () => true,
        () => false,
      );
      // Two instances racing to create the first keys: the loser takes the winner's.
      if (!won) return this.state(true);
    }
    // Unchanged keys keep their object, so caches keyed on it (imported keys) survive the re-read.
    if (this.cached?.state.version === state.version) state = this.cached.state;
    this.cached = { state, at: now };
    return state;
  }

  private async newKey(role: KeyRole, inUse: string[]): Promise<StoredKey> {
    const { ref, publicJwk } = await this.material.create(inUse);
    const kid = await calculateJwkThumbprint(publicJwk);
    return { kid, ref, role, publicJwk, createdAt: this.clock().toISOString() };
  }

  private async save(state: KeyRingState, expectedVersion: number) {
    await this.store.doc.send(
      new PutCommand({
        TableName: this.store.tableName,
        Item: { ...signingKeysKey, state, version: state.version },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :expected',
        ...(expectedVersion === 0
          ? {}
          : {
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      }),
    );
    this.cached = { state, at: this.clock().getTime() };
  }
}
