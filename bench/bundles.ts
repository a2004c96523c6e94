import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleArea } from '../infra/bundle-area';

const AREAS = ['public', 'citizen', 'terminal', 'merchant', 'biller', 'outlet', 'agency', 'admin', 'webhooks'];
const RUNS = 7;

/** What each area's module scope reads from its environment in the cloud (values are never used here). */
const ENV = {
  TABLE_NAME: 'bench',
  ONECARD_ISSUER: 'https://onecard.bench',
  ONECARD_STAGE: 'bench',
  SIGNING_KEY_IDS: 'a,b,c',
  AWS_REGION: 'cn-north-1',
  REPORTS_BUCKET: 'bench',
  SECRET_ARNS: '{}',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Bytes of every `.mjs` file under a bundle's folder. */
function shippedBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.mjs'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** Median milliseconds a fresh Node process takes to import the bundle (module scope included). */
function coldImportMs(file: string): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
      ],
      { env: { ...process.env, ...ENV }, encoding: 'utf8' },
    );
    samples.push(Number(out.trim().split('\n').at(-1)));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(RUNS / 2)]!;
}

/**
 * Each area's Lambda bundle, built as the stack ships it, against a bare Hono handler bundled the same
 * way: size and the cold import time (a fresh process importing it, module scope and all).
 */
export async function benchBundles() {
  const dir = resolve(import.meta.dirname, '../.data/bench-bundles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bare = join(dir, 'bare.ts');
  writeFileSync(
    bare,
    "import { Hono } from 'hono';\nimport { handle } from 'hono/aws-lambda';\nconst app = new Hono();\napp.get('/', (c) => c.json({ ok: true }));\nexport const handler = handle(app);\n",
  );
  // The same handler with a DynamoDB document client made at module scope, as every area makes one:
  // what any function that keeps a ledger in DynamoDB starts from.
  const bareDynamo = join(dir, 'bare-dynamodb.ts');
  writeFileSync(
    bareDynamo,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';\nimport { Hono } from 'hono';\nimport { handle } from 'hono/aws-lambda';\nconst doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nconst app = new Hono();\napp.get('/', async (c) => c.json((await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).Item ?? {}));\nexport const handler = handle(app);\n",
  );
  const entries = [
    ['bare-hono', bare],
    ['bare-hono-dynamodb', bareDynamo],
    ...AREAS.map((a) => [a, `functions/${a}/handler.ts`]),
  ] as const;
  const rows: { area: string; bytes: number; indexBytes: number; coldImportMs: number }[] = [];
  for (const [area, entry] of entries) {
    const outfile = join(dir, area, 'index.mjs');
    await bundleArea(entry, outfile);
    rows.push({
      area,
      // All the code shipped (chunks loaded on first use included), and the entry file itself.
      bytes: shippedBytes(join(dir, area)),
      indexBytes: statSync(outfile).size,
      coldImportMs: coldImportMs(outfile),
    });
  }
  rmSync(dir, { recursive: true, force: true });
  const baseline = rows[0]!.coldImportMs;
  const withDynamo = rows[1]!.coldImportMs;
  const round = (x: number) => Math.round(x * 100) / 100;
  return rows.map((r) => ({
    ...r,
    ratio: round(r.coldImportMs / baseline),
    ratioToBareDynamo: round(r.coldImportMs / withDynamo),
  }));
}
