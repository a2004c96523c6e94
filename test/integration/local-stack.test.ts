import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/dynamo-local';

function javaProcessesOf(pid: number): Promise<string> {
  return new Promise((ok) => {
    const ps = spawn('ps', ['-o', 'pid=,args=', '-g', String(pid)]);
    let out = '';
    ps.stdout.on('data', (d) => {
      out += d;
    });
    ps.on('close', () =>
      ok(
        out
          .split('\n')
          .filter((l) => l.includes('DynamoDBLocal'))
          .join('\n'),
      ),
    );
  });
}

async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  let log = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ${pattern} within ${timeoutMs} ms: ${log}`)), timeoutMs);
    const onData = (d: Buffer) => {
      log += d;
      if (pattern.test(log)) {
        clearTimeout(timer);
        ok(log);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${log}`)));
  });
}

/** The local addresses listening on a TCP port, read from /proc/net/tcp (IPv4) and tcp6: no traffic sent. */
async function listeningAddresses(port: number): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const row of rows) {
      const [, local, , state] = row.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hexPort}`)) continue; // 0A: LISTEN
      const hex = local.split(':')[0]!;
      found.push(
        hex.length === 8
          ? (hex.match(/../g) ?? [])
              .reverse()
              .map((h) => Number.parseInt(h, 16))
              .join('.')
          : `ipv6:${hex}`,
      );
    }
  }
  return found;
}

/** `npm start` in its own process group, in memory, on the given port. */
function startNpm(port: number): ChildProcess {
  return spawn('npm', ['start', '--silent'], {
    env: {
      ...process.env,
      PORT: String(port),
      ONECARD_DATA_DIR: ':memory:',
      ONECARD_ADMIN_TOKEN: 'x',
      ONECARD_TOPUP_WEBHOOK_SECRET: 'y',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('npm start', () => {
  it('serves the API over DynamoDB Local, and SIGTERM leaves no process behind', async () => {
    const port = await freePort();
    const child = startNpm(port);
    try {
      const log = await waitForLine(child, /onecard listening on http:\/\/\S+/, 45_000);
      expect(log).toContain('loaded the seed city');
      const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
      expect(health.status).toBe(200);
      // It answers devCode, so it listens on the loopback address only (unless HOST says otherwise).
      expect(await listeningAddresses(port)).toEqual(['127.0.0.1']);
      expect(await javaProcessesOf(child.pid!)).not.toBe('');

      const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
      process.kill(-child.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
      // Give the group a moment: anything left now was orphaned.
      await new Promise((r) => setTimeout(r, 300));
      expect(await javaProcessesOf(child.pid!)).toBe('');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }
  }, 60_000);

  it('exits 1 when its port is taken, and stops DynamoDB Local first', async () => {
    const blocker = net.createServer();
    await new Promise<void>((ok) => blocker.listen(0, '0.0.0.0', () => ok()));
    const port = (blocker.address() as net.AddressInfo).port;
    const child = startNpm(port);
    let log = '';
    child.stderr?.on('data', (d) => {
      log += d;
    });
    try {
      const code = await new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
      expect(code).toBe(1);
      expect(log).toContain('cannot serve on port');
      await new Promise((r) => setTimeout(r, 300));
      expect(await javaProcessesOf(child.pid!)).toBe('');
    } finally {
      blocker.close();
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }
  }, 60_000);
});
