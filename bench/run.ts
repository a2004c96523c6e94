/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the same run, on this
 * machine, against DynamoDB Local in memory. Prints Markdown.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { resolve } from 'node:path';
import { startLocalBackend } from '../infra/local-backend';
import { createLogger } from '../shared/log/logger';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET } from '../test/support/backend';
import { benchBundles } from './bundles';
import { benchFlows } from './flows';
import { benchHttp } from './http';
import { withNpmStart } from './npm-start';
import { benchScale } from './scale';
import { serveOnAPort } from './serve';
import { benchSettlement } from './settlement';
import { benchTaps } from './taps';
import { benchThroughHttp } from './through-http';
import { benchVerifier } from './verifier';
import { benchWeb } from './web';

const started = Date.now();
// `npm run bench -- flows`: only the per-flow figures (latency, in-flight rate, write units, bundles);
// `npm run bench -- scale`: only each job's cost at three sizes; `npm run bench -- web`: the browser
// apps' sizes and first loads on a throttled profile; `npm run bench -- shape`: the code's
// shape (casts, non-null assertions, functions over 70 lines, import cycles).
const only = process.argv[2];
console.log(`# OneCard benchmarks (${new Date().toISOString()}, Node ${process.version})\n`);
if (only === 'shape') {
  // The code's shape: assertions, long functions, import cycles (not a timing).
  console.log(JSON.stringify((await import('../test/support/code-shape')).codeShape(), null, 2));
  process.exit(0);
}
if (only === 'web') {
  console.log(await benchWeb());
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.exit(0);
}
if (only === 'scale') {
  console.log(await benchScale());
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  process.exit(0);
}
if (only !== 'flows') console.log(await benchVerifier());
const backend = await startLocalBackend({
  dataDir: ':memory:',
  seedsDir: resolve(import.meta.dirname, '../seeds'),
  adminToken: TEST_ADMIN_TOKEN,
  topupWebhookSecret: TEST_WEBHOOK_SECRET,
  logger: createLogger('bench', 'silent'),
  // The bench logs in hundreds of riders a minute from one address.
  configOverrides: {
    otp: { perPhonePerMinute: 5, perAddressPerMinute: 100_000, tokenPerAddressPerMinute: 100_000 },
    limits: { machineRequestsPerMinute: 1_000_000, billLookupsPerMinute: 1_000_000, cardStatusChangesPerHour: 6 },
  },
});
try {
  const flows = await benchFlows(backend);
  // The same tap and purchase through a socket: to this process's server, then to `npm start`'s own.
  const served = await serveOnAPort(backend.app, (baseUrl) =>
    benchThroughHttp({ baseUrl, dynamoEndpoint: backend.endpoint!, tableName: backend.deps.store.tableName }),
  );
  const npmStart = await withNpmStart(backend.endpoint!, benchThroughHttp);
  const bundles = await benchBundles();
  console.log(
    throughHttpMarkdown({ 'this process, served on a port': served, '`npm start`, its own process': npmStart }),
  );
  console.log(flowsMarkdown(flows, bundles));
  // One line a script (or a closing note) can keep: every figure of this run.
  const { tapItems: _items, itemsOf: _itemsOf, zoneExitItems: _exitItems, ...figures } = flows;
  const line = { at: new Date().toISOString(), http: served, npmStart, inProcess: figures, bundles };
  console.log(`BENCH ${JSON.stringify(line)}\n`);
  if (only !== 'flows') {
    console.log(await benchHttp(backend));
    console.log(await benchTaps(backend));
    console.log(await benchSettlement(backend));
    console.log(await benchWeb());
  }
} finally {
  await backend.stop();
}
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);

type ThroughHttp = Awaited<ReturnType<typeof benchThroughHttp>>;

function throughHttpMarkdown(runs: Record<string, ThroughHttp>) {
  const rows = Object.entries(runs).map(
    ([where, f]) =>
      `| ${where} | ${f.bareP50Ms} ms | ${f.tapP50Ms} ms (${f.tapP50Ratio}x) | ${f.purchaseP50Ms} ms (${f.purchaseP50Ratio}x) | ${f.tapsPerSecond}/s against ${f.bareTransactionsPerSecond}/s at ${f.bareBestWidth} (${f.inFlightRatio}x) |`,
  );
  return [
    '## A tap and a purchase through HTTP against the bare 4-item transaction',
    '',
    "Each request over a keep-alive socket with its signatures made before the timer, interleaved with the bare transaction (transfer record, payer's conditional update, payee's update, statement entry) sent by the plain DynamoDB client on a keep-alive agent, on the same DynamoDB Local. In flight: 32 taps at once (each lane its own cards) against the bare transaction at its best concurrency of 8, 16, 32 and 64 (each lane its own wallet).",
    '',
    '| server | bare p50 | tap p50 | purchase p50 | 32 taps in flight |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function flowsMarkdown(f: Awaited<ReturnType<typeof benchFlows>>, bundles: Awaited<ReturnType<typeof benchBundles>>) {
  return [
    '## A tap and a purchase in process (`app.request`, no socket) against the bare 4-item transaction',
    '',
    "Interleaved in one loop on the same DynamoDB Local: a tap through HTTP, the bare transaction (transfer record, payer's conditional update, payee's update, statement entry), the tap's floor (sent raw: one consistent query of the card with its newest entry, then the transfer record, the card's next entry, the payee's update and a replay guard), a purchase through HTTP.",
    '',
    '| what | p50 | p99 | p50 against the baseline |',
    '| --- | --- | --- | --- |',
    `| baseline: the bare 4-item TransactWriteItems | ${f.bareP50Ms} ms | ${f.bareP99Ms} ms | 1.00x |`,
    `| a tap's floor, raw: a consistent query of the card, then 4 items | ${f.tapFloorP50Ms} ms | | ${f.tapFloorP50Ratio}x |`,
    `| POST /v1/transit/taps | ${f.tapP50Ms} ms | ${f.tapP99Ms} ms | ${f.tapP50Ratio}x |`,
    `| POST /v1/merchant/payments | ${f.purchaseP50Ms} ms | ${f.purchaseP99Ms} ms | ${f.purchaseP50Ratio}x |`,
    '',
    `${f.inFlight} in flight across 64 cards: ${f.tapsPerSecond} taps/s against ${f.bareTransactionsPerSecond} bare transactions/s (${f.inFlightRatio}x). A 500-tap offline batch through HTTP: ${f.batch500Ms} ms, ${f.batch500Ratio}x the ${f.batch500BareMs} ms 500 bare transactions take at that in-flight rate.`,
    '',
    `Write units per request, from item sizes (2 per started KB in a transaction, 1 for a single write, 1 per KB into the index): tap ${f.wcuTap}, purchase ${f.wcuPurchase}, bill payment ${f.wcuBillPayment}, facility visit ${f.wcuVisit}, top-up (start and webhook) ${f.wcuTopup}. Each entry that moves money carries its receipt's link (docs/receipts.md).`,
    '',
    `Taps with the unlinkable credential (version 2) interleaved with today's (version 1) on one terminal that takes both: ${f.tapV2P50Ms} ms p50 against ${f.tapV1P50Ms} ms (${f.tapV2P50Ratio}x), ${f.wcuTapV2} write units (the same items as version 1). A zone journey fixed by its holder: ${f.wcuJourneyFix} write units.`,
    '',
    `A statement page of ${f.statementEntries} entries with each receipt signed (\`GET /v1/me/statement\`, in process): ${f.statementP50Ms} ms p50, ${f.statementP50Ratio}x the same page read straight from the ledger (${f.statementBareP50Ms} ms, no HTTP, no signing). In the cloud each receipt is one KMS signature, eight at once.`,
    '',
    `A commuter's newest entry (what each of their taps writes) after a week of riding, ${f.commuterBoards} boards on two routes (the most a card keeps) and nine fare days: ${f.commuterHeadBytes} bytes (${f.commuterHeadBytesAsMaps} with the transit state as DynamoDB maps); after a zone entry holding ${f.commuterZoneEntryFareFen} fen after a transfer: ${f.commuterZoneEntryBytes} (${f.commuterZoneEntryBytesAsMaps}); after its exit: ${f.commuterZoneExitBytes} (${f.commuterZoneExitBytesAsMaps}). Those two taps: ${f.wcuCommuterZoneEntry} and ${f.wcuCommuterZoneExit} write units.`,
    '',
    "One board tap's writes, item by item:",
    '',
    '| item | bytes | write units |',
    '| --- | --- | --- |',
    ...f.tapItems.map((i) => `| ${i.item} | ${i.bytes} | ${i.units} |`),
    '',
    'The other flows, item by item (`bytes/units`):',
    '',
    ...Object.entries({ ...f.itemsOf, commuterZoneExit: f.zoneExitItems }).map(
      ([flow, items]) => `- ${flow}: ${items.map((i) => `${i.item} ${i.bytes}/${i.units}`).join(', ')}`,
    ),
    '',
    '| Lambda bundle | index.mjs (all chunks) | cold import (median of 7) | against a bare Hono handler | against it with a DynamoDB client |',
    '| --- | --- | --- | --- | --- |',
    ...bundles.map(
      (b) =>
        `| ${b.area} | ${(b.indexBytes / 1024).toFixed(0)} KB (${(b.bytes / 1024).toFixed(0)} KB) | ${b.coldImportMs.toFixed(1)} ms | ${b.ratio.toFixed(2)}x | ${b.ratioToBareDynamo.toFixed(2)}x |`,
    ),
    '',
  ].join('\n');
}
