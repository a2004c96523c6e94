/**
 * `npm run job -- <name>`: runs a scheduled job against the local stack that `npm start` serves, as
 * the cloud's scheduler would (`settlement`: the daily run; `allowance`: this month's allowance).
 * It calls the running stack's operator API: set ONECARD_URL (default http://127.0.0.1:3000) and
 * ONECARD_ADMIN_TOKEN (printed by npm start).
 */
import { dailyRun } from '../shared/settlement/daily';
import { businessDate } from '../shared/time/shanghai';

const JOBS = ['settlement', 'allowance'] as const;
const name = process.argv[2];
const base = process.env.ONECARD_URL ?? 'http://127.0.0.1:3000';
const token = process.env.ONECARD_ADMIN_TOKEN;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

if (!name || !JOBS.includes(name as (typeof JOBS)[number])) {
  fail(
    `usage: npm run job -- <${JOBS.join('|')}>\n  runs a scheduled job against the local stack at ONECARD_URL (${base})`,
  );
}
if (!token) fail('set ONECARD_ADMIN_TOKEN: npm start prints the one it made up');

const post = (path: string, key: string, payload: object) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(payload),
  }).catch((err: Error) => fail(`cannot reach ${base}: ${err.message} (is npm start running?)`));

if (name === 'allowance') {
  const month = businessDate(new Date()).slice(0, 7);
  const res = await post('/v1/admin/allowance-runs', `allowance-${month}`, { month });
  const run = (await res.json()) as {
    runId?: string;
    status?: string;
    paidCount?: number;
    paidFen?: number;
    error?: { code: string; message: string };
  };
  if (!res.ok) fail(`allowance: ${res.status} ${run.error?.code}: ${run.error?.message}`);
  console.log(
    `allowance for ${month} (run ${run.runId}, ${run.status}): ${run.paidCount} cards paid, ${run.paidFen} fen`,
  );
  process.exit(0);
}

const { runId, cutoff } = dailyRun(new Date());
const res = await post('/v1/admin/settlement-runs', runId, { cutoff: cutoff.toISOString() });
const answer = (await res.json()) as {
  runId?: string;
  payoutFen?: number;
  lines?: unknown[];
  error?: { code: string; message: string };
};
if (res.status === 409 && answer.error?.code === 'CUTOFF_NOT_AFTER_PREVIOUS') {
  console.log(`settlement up to ${cutoff.toISOString()} was run already`);
  process.exit(0);
}
if (!res.ok) fail(`settlement: ${res.status} ${answer.error?.code}: ${answer.error?.message}`);
console.log(
  `settled up to ${cutoff.toISOString()}: run ${answer.runId}, ${answer.lines?.length} lines, ${answer.payoutFen} fen paid out`,
);
