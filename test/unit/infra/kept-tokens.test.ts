import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keptToken } from '../../../infra/kept-tokens';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-tokens-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the local stage’s tokens', () => {
  it('are made once for a data dir and the same on every restart, readable by the owner only', () => {
    const dir = freshDir();
    const first = keptToken('ONECARD_ADMIN_TOKEN', undefined, dir);
    expect(first.source).toBe('made');
    const again = keptToken('ONECARD_ADMIN_TOKEN', undefined, dir);
    expect(again).toEqual({ value: first.value, source: 'kept' });
    expect(statSync(join(dir, 'onecard-admin-token')).mode & 0o777).toBe(0o600);
    // Each token has its own file: the webhook secret is another value.
    expect(keptToken('ONECARD_TOPUP_WEBHOOK_SECRET', undefined, dir).value).not.toBe(first.value);
  });

  it('take the environment’s value first, and keep nothing in memory', () => {
    const dir = freshDir();
    expect(keptToken('ONECARD_ADMIN_TOKEN', 'set-by-env', dir)).toEqual({ value: 'set-by-env', source: 'env' });
    const a = keptToken('ONECARD_ADMIN_TOKEN', undefined, ':memory:');
    const b = keptToken('ONECARD_ADMIN_TOKEN', undefined, ':memory:');
    expect([a.source, b.source]).toEqual(['made', 'made']);
    expect(a.value).not.toBe(b.value);
  });

  it('replace a kept file that does not hold a token', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'onecard-admin-token'), 'not a token\n');
    const made = keptToken('ONECARD_ADMIN_TOKEN', undefined, dir);
    expect(made.source).toBe('made');
    expect(readFileSync(join(dir, 'onecard-admin-token'), 'utf8').trim()).toBe(made.value);
    expect(statSync(join(dir, 'onecard-admin-token')).mode & 0o777).toBe(0o600);
  });
});
