/**
 * `npm start`: the whole backend on one machine. DynamoDB Local (or DYNAMODB_ENDPOINT, and ONECARD_TABLE_NAME), the tables,
 * the seed city on a fresh store, every area app on one @hono/node-server.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { limitsFromEnv } from '../functions/config';
import { createLogger, type LogLevel } from '../shared/log/logger';
import { keptToken } from './kept-tokens';
import { startLocalBackend } from './local-backend';
import { buildWebApp } from './web/build';
import { withWeb } from './web/serve';

const log = createLogger('local', (process.env.LOG_LEVEL as LogLevel) ?? 'warn');
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.ONECARD_DATA_DIR ?? '.data/';
const printed: string[] = [];
const token = (name: string) => {
  const { value, source } = keptToken(name, process.env[name], dataDir);
  if (source === 'made') printed.push(`made up ${name}=${value}`);
  if (source === 'kept') printed.push(`${name}=${value} (kept in ${dataDir})`);
  return value;
};
const adminToken = token('ONECARD_ADMIN_TOKEN');
const topupWebhookSecret = token('ONECARD_TOPUP_WEBHOOK_SECRET');

// The local stage answers login codes in the response (devCode): only this machine may ask, unless told.
const hostname = process.env.HOST ?? '127.0.0.1';

const backend = await startLocalBackend({
  configOverrides: limitsFromEnv(process.env, 'local'),
  dataDir,
  dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
  // Another table on a shared DynamoDB Local (DYNAMODB_ENDPOINT): the bench's `npm start` beside its own.
  ...(process.env.ONECARD_TABLE_NAME ? { tableName: process.env.ONECARD_TABLE_NAME } : {}),
  seedsDir: resolve(import.meta.dirname, '../seeds'),
  adminToken,
  topupWebhookSecret,
  logger: log,
}).catch((err: Error) => {
  // A store that cannot be read (an earlier layout), a seed file that is wrong: say what, not a trace.
  console.error(`onecard could not start: ${err.message}`);
  process.exit(1);
});

// The browser apps, built now (a second or so), served beside the API with the fake provider's page.
const [wallet, ops] = await Promise.all([buildWebApp('wallet'), buildWebApp('ops')]).catch((err: Error) => {
  console.error(`onecard could not build the browser apps: ${err.message}`);
  process.exit(1);
});
const front = withWeb(backend.app.fetch, { apps: { wallet, ops }, webhookSecret: topupWebhookSecret });

const server = serve({ fetch: front.fetch, port, hostname }, (info) => {
  for (const line of printed) console.log(line);
  if (backend.seeded) console.log('loaded the seed city into a fresh store');
  const shown = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname;
  console.log(
    `onecard listening on http://${shown}:${info.port} (the wallet at /app/, the operations console at /ops/)`,
  );
});

let stopping = false;
async function shutdown(reason: string, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { reason });
  server.close();
  if ('closeAllConnections' in server) server.closeAllConnections();
  await backend.stop();
  process.exit(exitCode);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// A port in use, or any defect: stop DynamoDB Local too rather than leave Java running.
server.on('error', (err) => {
  console.error(`onecard cannot serve on port ${port}: ${err.message}`);
  void shutdown('server error', 1);
});
process.on('uncaughtException', (err) => {
  console.error(err);
  void shutdown('uncaught exception', 1);
});
