/**
 * A stack to talk to: the one at `url`, or a fresh in-memory local stack with the seed city served
 * on a free loopback port (for the demo and the simulator's `--local`).
 */
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createLogger } from '../shared/log/logger';
import { startLocalBackend } from './local-backend';

export interface ServedStack {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startServedStack(
  url: string | undefined,
  secrets: { adminToken: string; topupWebhookSecret: string },
): Promise<ServedStack> {
  if (url) return { baseUrl: url.replace(/\/$/, ''), stop: async () => {} };
  const backend = await startLocalBackend({
    dataDir: ':memory:',
    seedsDir: resolve(import.meta.dirname, '../seeds'),
    ...secrets,
    logger: createLogger('demo', 'silent'),
  });
  return new Promise((ok) => {
    const server = serve({ fetch: backend.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      ok({
        baseUrl: `http://127.0.0.1:${info.port}`,
        async stop() {
          server.close();
          await backend.stop();
        },
      }),
    );
  });
}
