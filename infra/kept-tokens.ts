import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What a random token of the local stage is: 24 bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/**
 * A token of the local stage (the operator token, the top-up webhook secret) when the environment does
 * not set it: kept in the data dir beside the signing keys, so a restart on the same data dir prints
 * and takes the same one (an exported token stays good); made anew on `:memory:` or a fresh dir. The
 * file is the owner's alone (0600). Says where the value came from, for `npm start` to print.
 */
export function keptToken(
  name: string,
  fromEnv: string | undefined,
  dataDir: string,
): { value: string; source: 'env' | 'kept' | 'made' } {
  if (fromEnv) return { value: fromEnv, source: 'env' };
  const made = randomBytes(24).toString('base64url');
  if (dataDir === ':memory:') return { value: made, source: 'made' };
  const file = join(resolve(dataDir), name.toLowerCase().replaceAll('_', '-'));
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (TOKEN.test(kept)) return { value: kept, source: 'kept' };
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) throw err;
  }
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(file, `${made}\n`, { mode: 0o600 });
  // A file that was there already keeps its mode through a write: the owner's alone again.
  chmodSync(file, 0o600);
  return { value: made, source: 'made' };
}
