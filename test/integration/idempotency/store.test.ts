import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimKey, completeKey, IDEMPOTENCY_LOCK_MS, releaseKey } from '../../../shared/idempotency/store';
import { freshStore } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

const now = new Date('2026-11-27T08:00:00+08:00');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('the idempotency store', () => {
  it('claims a new key once; a second request while the first runs is told to retry', async () => {
    expect(await claimKey(store, 'citizen:1', 'k1', 'h', now)).toEqual({ state: 'claimed' });
    expect(await claimKey(store, 'citizen:1', 'k1', 'h', later(10))).toEqual({ state: 'busy' });
  });

  it('answers the stored response to the same request, and a mismatch to another', async () => {
    await claimKey(store, 'citizen:1', 'k2', 'h', now);
    await completeKey(store, 'citizen:1', 'k2', { status: 201, body: { topupId: 't', status: 'pending' } });
    expect(await claimKey(store, 'citizen:1', 'k2', 'h', later(10))).toEqual({
      state: 'done',
      response: { status: 201, body: { topupId: 't', status: 'pending' } },
    });
    expect(await claimKey(store, 'citizen:1', 'k2', 'other', later(10))).toEqual({ state: 'mismatch' });
  });

  it('keeps keys per caller', async () => {
    await claimKey(store, 'citizen:1', 'k3', 'h', now);
    expect(await claimKey(store, 'citizen:2', 'k3', 'h', now)).toEqual({ state: 'claimed' });
  });

  it('lets a retry take over a claim whose holder died, but never one that finished', async () => {
    await claimKey(store, 'citizen:1', 'k4', 'h', now);
    expect(await claimKey(store, 'citizen:1', 'k4', 'h', later(IDEMPOTENCY_LOCK_MS + 1))).toEqual({ state: 'claimed' });
    await completeKey(store, 'citizen:1', 'k4', { status: 200, body: {} });
    expect((await claimKey(store, 'citizen:1', 'k4', 'h', later(10 * IDEMPOTENCY_LOCK_MS))).state).toBe('done');
  });

  it('frees a key after a 5xx so the retry runs again at once', async () => {
    await claimKey(store, 'citizen:1', 'k5', 'h', now);
    await releaseKey(store, 'citizen:1', 'k5');
    expect(await claimKey(store, 'citizen:1', 'k5', 'h', later(1))).toEqual({ state: 'claimed' });
  });
});
