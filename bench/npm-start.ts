import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET } from '../test/support/backend';

const ROOT = resolve(import.meta.dirname, '..');
const STARTUP_LIMIT_MS = 120_000;

/**
 * `npm start` as a user runs it (the package's own start command, its own process and port), on the
 * bench's DynamoDB Local under a table of its own, with the bench's tokens and a login limit fit for
 * hundreds of riders from one address. Stopped, and its data dir removed, when `fn` is done.
 */
export async function withNpmStart<T>(
  dynamoEndpoint: string,
  fn: (target: { baseUrl: string; dynamoEndpoint: string; tableName: string }) => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onecard-bench-'));
  const tableName = `bench-start-${Date.now()}`;
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: '0',
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      ONECARD_TABLE_NAME: tableName,
      ONECARD_DATA_DIR: dataDir,
      ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ONECARD_TOPUP_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      ONECARD_OTP_PER_ADDRESS_PER_MINUTE: '100000',
      ONECARD_TOKEN_PER_ADDRESS_PER_MINUTE: '100000',
      ONECARD_MACHINE_REQUESTS_PER_MINUTE: '1000000',
      LOG_LEVEL: 'error',
    },
  });
  try {
    const baseUrl = await listening(child);
    return await fn({ baseUrl, dynamoEndpoint, tableName });
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The URL `npm start` prints once it listens. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`npm start did not listen: ${out}`)), STARTUP_LIMIT_MS);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /onecard listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        done(url);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => fail(new Error(`npm start exited (${code}): ${out}`)));
  });
}
