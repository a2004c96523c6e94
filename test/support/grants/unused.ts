/**
 * After the whole suite (npm test): every grant of every role in the synthesized stacks was used by
 * some request of the HTTP and integration tests, or says in UNEXERCISED why none could. A grant
 * nobody uses is a permission an attacker gets for free; a reason that no longer matches a grant is
 * stale. Reads the accesses the test files kept in ONECARD_ACCESS_RECORDS.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { readFileSync } from 'node:fs';
import type { AccessRecord } from './access-records';
import { grantUnits, unitsUsed } from './check';
import { cloudGrants } from './cloud-grants';
import { UNEXERCISED, unexercisedReason } from './unexercised';

const file = process.env.ONECARD_ACCESS_RECORDS;
if (!file) throw new Error('ONECARD_ACCESS_RECORDS names the file the test run kept its accesses in');
const accesses = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as AccessRecord);
const grants = cloudGrants();
const used = new Set(accesses.flatMap((a) => unitsUsed(grants, a)));
const units = grantUnits(grants);
const unused = units.filter((u) => !used.has(u) && unexercisedReason(u) === undefined);
const stale = Object.keys(UNEXERCISED).filter((pattern) => !units.some((u) => unexercisedReason(u, pattern)));
// A reason naming one grant exactly that a test used after all is stale too (patterns cover families).
const usedAnyway = units.filter((u) => used.has(u) && UNEXERCISED[u] !== undefined);

const problems = [
  ...unused.map((u) => `granted, used by no test, and no reason why: ${u}`),
  ...stale.map((u) => `a reason for a grant that no longer exists: ${u}`),
  ...usedAnyway.map((u) => `a reason it is never used, yet a test used it: ${u}`),
];
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
const exercised = units.filter((u) => used.has(u)).length;
process.stdout.write(
  `grants: ${units.length} granted, ${exercised} used by the tests (${accesses.length} distinct accesses), ${units.length - exercised} unexercised, each with its reason\n`,
);
