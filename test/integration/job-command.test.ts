import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSink } from '../../shared/reports/sink';
import { TEST_ADMIN_TOKEN, useTestBackend } from '../support/backend';

const { backend } = useTestBackend();
let server: ReturnType<typeof serve>;
let url: string;

beforeAll(async () => {
  await new Promise<void>((ok) => {
    server = serve({ fetch: backend().app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      url = `http://127.0.0.1:${info.port}`;
      ok();
    });
  });
});
afterAll(() => server?.close());

function job(name: string, env: Record<string, string>, options: string[] = []) {
  return new Promise<{ code: number | null; out: string }>((ok) => {
    const child = spawn('node', ['--import', 'tsx', 'infra/job.ts', name, ...options], {
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => ok({ code, out }));
  });
}

describe('npm run job -- settlement', () => {
  it('runs the daily settlement against the local stack, once', async () => {
    const first = await job('settlement', { ONECARD_URL: url, ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect([first.code, first.out]).toEqual([
      0,
      expect.stringMatching(/^settled up to \d{4}-\d\d-\d\d 04:00 Asia\/Shanghai \(\S+Z\): run run_\S+, \d+ lines/),
    ]);
    // Run again, it is the same run (its Idempotency-Key names the day): the same answer, nothing settled twice.
    const again = await job('settlement', { ONECARD_URL: url, ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect([again.code, again.out]).toEqual([0, first.out]);
    // Right after a day's activity, up to now: then the daily run's earlier cutoff has nothing left.
    const now = await job('settlement', { ONECARD_URL: url, ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN }, [
      '--cutoff',
      'now',
    ]);
    expect([now.code, now.out]).toEqual([0, expect.stringMatching(/^settled up to .+ Asia\/Shanghai .+: run run_/)]);
    const bad = await job('settlement', { ONECARD_URL: url, ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN }, [
      '--cutoff',
      'soon',
    ]);
    expect([bad.code, bad.out]).toEqual([2, expect.stringContaining('--cutoff is now or an ISO 8601 time')]);
  }, 60_000);

  it('says what is wrong: an unknown job, no admin token', async () => {
    expect((await job('nope', { ONECARD_URL: url })).code).toBe(2);
    const noToken = await job('settlement', { ONECARD_URL: url, ONECARD_ADMIN_TOKEN: '' });
    expect([noToken.code, noToken.out]).toEqual([2, expect.stringContaining('ONECARD_ADMIN_TOKEN')]);
  }, 30_000);
});

describe('reports on disk', () => {
  it('writes reports under the folder, and refuses names that would leave it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-reports-'));
    try {
      const sink = folderSink(dir);
      await sink.put('settlement/run_x.csv', 'a,b\r\n', 'text/csv');
      expect(readdirSync(join(dir, 'settlement'))).toEqual(['run_x.csv']);
      expect(readFileSync(join(dir, 'settlement/run_x.csv'), 'utf8')).toBe('a,b\r\n');
      await expect(sink.put('../escape.csv', 'x', 'text/csv')).rejects.toThrow('not a report name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run job -- allowance', () => {
  it('runs this month’s allowance against the local stack', async () => {
    await fetch(`${url}/v1/admin/benefit-funding`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        'content-type': 'application/json',
        'idempotency-key': 'fund-job-test',
      },
      body: JSON.stringify({ amountFen: 1000 }),
    });
    const run = await job('allowance', { ONECARD_URL: url, ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect([run.code, run.out]).toEqual([
      0,
      expect.stringMatching(/^allowance for \d{4}-\d{2}: run alw_[\w-]+, done: 0 cards paid, 0 fen; skipped: /),
    ]);
  }, 30_000);
});
