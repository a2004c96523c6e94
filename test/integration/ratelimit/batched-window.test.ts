import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../shared/errors';
import { batchedWindowLimit, FLUSH_EVERY } from '../../../shared/ratelimit/batched-window';
import { rateKey } from '../../../shared/store/keys';
import { freshStore } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

const at = new Date('2026-11-28T10:00:30Z');
const window = Math.floor(at.getTime() / 1000 / 60);
const sharedCount = async (bucket: string) =>
  (await store.doc.send(new GetCommand({ TableName: store.tableName, Key: rateKey(bucket, window) }))).Item?.count;

async function outcomes(limit: (bucket: string, now: Date) => Promise<void>, bucket: string, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await limit(bucket, at).then(
        () => 'ok',
        (err) => (err instanceof RateLimitedError ? '429' : 'error'),
      ),
    );
  }
  return out;
}

describe('a batched window limit shared by instances', () => {
  it('writes once per ten requests far from the limit, and lets through the limit and less than ten more', async () => {
    // Prepare: two instances of the same function, one limit of 50 a minute.
    const a = batchedWindowLimit(store, 50, 60);
    const b = batchedWindowLimit(store, 50, 60);
    // Act: each lets 20 through (two writes each, 40 counted).
    expect(await outcomes(a, 'client:x', 20)).toEqual(Array(20).fill('ok'));
    expect(await outcomes(b, 'client:x', 20)).toEqual(Array(20).fill('ok'));
    expect(await sharedCount('client:x')).toBe(40);
    // Act: both go on, in turns, well past the limit.
    const rest: string[] = [];
    for (let i = 0; i < 30; i++)
      rest.push(...(await outcomes(a, 'client:x', 1)), ...(await outcomes(b, 'client:x', 1)));
    // Assess: at least the limit got through, and at most what one instance had not told the other
    // (fewer than FLUSH_EVERY); both refuse in the end.
    const allowed = 40 + rest.filter((r) => r === 'ok').length;
    expect(allowed).toBeGreaterThanOrEqual(50);
    expect(allowed).toBeLessThan(50 + FLUSH_EVERY);
    expect(rest.slice(-4)).toEqual(['429', '429', '429', '429']);
    expect(rest).not.toContain('error');
  });

  it('holds under requests at once: one instance lets through the limit exactly, two at most the limit and less than ten more', async () => {
    // Prepare: a limit of 25 a minute; the requests of each round all arrive at once.
    const atOnce = (limit: (bucket: string, now: Date) => Promise<void>, bucket: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          limit(bucket, at).then(
            () => 'ok',
            (err) => (err instanceof RateLimitedError ? '429' : 'error'),
          ),
        ),
      );
    const one = batchedWindowLimit(store, 25, 60);
    // Act and assess: 100, then 200 more, at once through one instance.
    expect((await atOnce(one, 'client:burst', 100)).filter((r) => r === 'ok')).toHaveLength(25);
    expect((await atOnce(one, 'client:burst', 200)).filter((r) => r === 'ok')).toHaveLength(0);
    // Two instances, 100 each, all at once.
    const [a, b] = [batchedWindowLimit(store, 25, 60), batchedWindowLimit(store, 25, 60)];
    const both = (await Promise.all([atOnce(a, 'client:pair', 100), atOnce(b, 'client:pair', 100)])).flat();
    const allowed = both.filter((r) => r === 'ok').length;
    expect(allowed).toBeGreaterThanOrEqual(25);
    expect(allowed).toBeLessThan(25 + FLUSH_EVERY);
    expect(both).not.toContain('error');
  });

  it('keeps one client’s count apart from another’s', async () => {
    const a = batchedWindowLimit(store, 3, 60);
    expect(await outcomes(a, 'client:y', 4)).toEqual(['ok', 'ok', 'ok', '429']);
    expect(await outcomes(a, 'client:z', 1)).toEqual(['ok']);
    expect(FLUSH_EVERY).toBeGreaterThan(1);
  });
});
