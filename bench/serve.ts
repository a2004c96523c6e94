import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** The app on @hono/node-server at a free port of 127.0.0.1 (as `npm start` serves it) while `fn` runs. */
export async function serveOnAPort<T>(app: Pick<Hono, 'fetch'>, fn: (baseUrl: string) => Promise<T>): Promise<T> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
  }
}
