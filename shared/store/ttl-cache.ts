/**
 * One value kept per process for `ttlMs` by the injected clock: what instances cache of rarely
 * changing configuration (the city, fares, facilities, outlets, campaigns, keys). `clear()` after a
 * write of one's own, so that this instance sees it at once.
 */
export function ttlCache<T>(load: () => Promise<T>, clock: () => Date, ttlMs: number) {
  let cached: { value: T; at: number } | undefined;
  const get = async (): Promise<T> => {
    const now = clock().getTime();
    if (cached && now - cached.at < ttlMs) return cached.value;
    const value = await load();
    cached = { value, at: now };
    return value;
  };
  return Object.assign(get, {
    clear() {
      cached = undefined;
    },
  });
}
