import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('the published OpenAPI document and the typed client', () => {
  it('are what the routes make now (npm run openapi -- --check)', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'infra/client/generate.ts', '--check']).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
