/**
 * `npm run job -- <name> [options]`: runs a scheduled job against the stack `npm start` serves, as the
 * cloud's scheduler would, through the operator's API (the simulator's operator commands):
 * `settlement [--cutoff now|<ISO time>]` settles up to the daily run's cutoff (04:00 in Shanghai
 * today) unless told; `allowance [--month YYYY-MM]` pays this month's allowance unless told;
 * `points-lapse [--month YYYY-MM]` lapses the points whose 12 months ended by this month. Set
 * ONECARD_URL (default http://127.0.0.1:3000) and ONECARD_ADMIN_TOKEN (npm start prints it).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSim } from './sim/cli';

const JOBS: Record<string, string> = { settlement: 'settle', allowance: 'allowance', 'points-lapse': 'lapse-points' };
const [name = '', ...options] = process.argv.slice(2);
const command = JOBS[name];

if (!command) {
  console.error(
    [
      `usage: npm run job -- <${Object.keys(JOBS).join('|')}> [options]`,
      '  settlement [--cutoff now|<ISO time>]   default: the daily run, up to 04:00 in Shanghai today',
      '  allowance [--month YYYY-MM]            default: this month in Shanghai',
      '  points-lapse [--month YYYY-MM]         default: this month in Shanghai',
    ].join('\n'),
  );
  process.exit(2);
}

// The job keeps no simulator state: a file of its own, removed when it is done.
const state = join(tmpdir(), `onecard-job-${process.pid}.json`);
process.exitCode = await runSim([command, ...options, '--state', state], {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
});
rmSync(state, { force: true });
