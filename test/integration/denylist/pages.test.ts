import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeDenyList, type DenyEntry, denyListSince } from '../../../shared/denylist/denylist';
import { freshStore } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

const key = (e: DenyEntry) => `${e.kind}:${e.id}`;

describe('the deny list in pages', () => {
  it('brings a terminal to the same list whether it reads it whole or page by page', async () => {
    const now = new Date();
    await changeDenyList(store, { kind: 'card', id: 'c1' }, 'add', now);
    await changeDenyList(store, { kind: 'device', id: 'd1' }, 'add', now);
    await changeDenyList(store, { kind: 'card', id: 'c2' }, 'add', now);
    await changeDenyList(store, { kind: 'card', id: 'c1' }, 'remove', now);
    await changeDenyList(store, { kind: 'card', id: 'c3' }, 'add', now);

    const whole = await denyListSince(store, 0);
    expect(whole.more).toBe(false);
    expect(whole.version).toBe(5);

    const cached = new Set<string>();
    let since = 0;
    let pages = 0;
    for (;;) {
      const delta = await denyListSince(store, since, 2);
      for (const e of delta.added) cached.add(key(e));
      for (const e of delta.removed) cached.delete(key(e));
      since = delta.version;
      pages++;
      if (!delta.more) break;
    }
    expect(pages).toBe(3);
    expect([...cached].sort()).toEqual(whole.added.map(key).sort());
    expect([...cached].sort()).toEqual(['card:c2', 'card:c3', 'device:d1']);
  });
});
