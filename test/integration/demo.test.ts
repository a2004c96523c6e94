import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('walks every flow on a fresh in-memory stack and exits 0 with the ledger balanced', async () => {
    const child = spawn('npm', ['run', 'demo', '--silent'], { env: { ...process.env, ONECARD_URL: '' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((ok) => child.on('exit', (c) => ok(c)));
    expect(code, out).toBe(0);
    for (const step of [
      'opens card',
      'signed webhook',
      'She rides bus B1: 200 fen',
      'transfer',
      'gives back the rest',
      'water bill',
      'off from campaign c-tea10',
      'city park',
      'in cash',
      'verified, class senior',
      'allowance run pays 1 card',
      'Settlement pays',
      'The ledger balances: true',
    ]) {
      expect(out).toContain(step);
    }
  }, 90_000);
});
