import { once } from 'node:events';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { startLocalBackend } from '../infra/local-backend';
import { ratio } from './stats';

type Backend = Awaited<ReturnType<typeof startLocalBackend>>;
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}
// autocannon ships no types; this is the part of its API the bench uses.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: object) => Promise<AutocannonResult>;

const DURATION_SECONDS = 4;
const CONNECTIONS = 16;

async function load(url: string): Promise<AutocannonResult> {
  return autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS });
}

/** The HTTP shell's own cost: the same tiny JSON answer, with and without it. */
export async function benchHttp(backend: Backend) {
  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', time: new Date().toISOString() }));
  }).listen(0, '127.0.0.1');
  await once(bare, 'listening');
  const shell = serve({ fetch: backend.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(shell, 'listening');
  try {
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/v1/health`;
    const shellUrl = `http://127.0.0.1:${(shell.address() as AddressInfo).port}/v1/health`;
    await load(shellUrl); // warm-up
    const baseline = await load(bareUrl);
    const candidate = await load(shellUrl);
    if (candidate.non2xx > 0 || baseline.non2xx > 0) throw new Error('non-2xx answers during the HTTP bench');
    return [
      '## The HTTP shell',
      '',
      `autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s each, GET /v1/health on the same machine.`,
      '',
      '| what | requests/s | p50 | p99 | against the baseline |',
      '| --- | --- | --- | --- | --- |',
      `| baseline: bare node:http answering the same JSON | ${baseline.requests.average.toFixed(0)} | ${baseline.latency.p50} ms | ${baseline.latency.p99} ms | 1.00x |`,
      `| the OneCard shell on @hono/node-server: request id, access log, body limit, routing, error handling | ${candidate.requests.average.toFixed(0)} | ${candidate.latency.p50} ms | ${candidate.latency.p99} ms | ${ratio(candidate.requests.average, baseline.requests.average)} of the baseline's rate |`,
      '',
    ].join('\n');
  } finally {
    bare.close();
    shell.close();
  }
}
