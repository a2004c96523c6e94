import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../../shared/keys/keyring';
import { LocalKeyMaterial } from '../../../shared/keys/local-material';
import { freshStore } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

describe('key rotation', () => {
  it('lets one of two simultaneous rotations win and tells the other with a 409', async () => {
    const material = new LocalKeyMaterial();
    const a = new KeyRing(store, material, () => new Date());
    const b = new KeyRing(store, material, () => new Date());
    await a.jwks();
    const outcomes = await Promise.allSettled([a.rotate(), b.rotate()]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason.code).toBe('ALREADY_EXISTS');
    const kids = (await a.jwks()).keys.map((k) => k.kid);
    expect(kids).toHaveLength(3);
  });

  it('makes the first keys once even when two instances start together', async () => {
    const fresh = await freshStore();
    try {
      const material = new LocalKeyMaterial();
      const [x, y] = await Promise.all([
        new KeyRing(fresh, material, () => new Date()).jwks(),
        new KeyRing(fresh, material, () => new Date()).jwks(),
      ]);
      expect(x.keys.map((k) => k.kid)).toEqual(y.keys.map((k) => k.kid));
    } finally {
      fresh.destroy();
    }
  });
});
