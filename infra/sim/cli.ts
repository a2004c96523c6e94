/**
 * `npm run sim -- <command> [options]`: a phone and terminal simulator for app teams and terminal
 * vendors, against any stack (`--url`, or ONECARD_URL, or the local default). `runSim` is the whole
 * program without the process: the tests call it in-process.
 */
import { parseArgs } from 'node:util';
import { fieldOf } from '../../shared/store/conditions';
import { ApiError, oneCardClient } from '../client/client';
import { COMMANDS, ROLES, SimRefusedError, SimUsageError } from './commands';
import { readState, writeState } from './state';

const DEFAULT_URL = 'http://127.0.0.1:3000';
const DEFAULT_STATE = 'onecard-sim.json';

const OPTION_NAMES = [
  'url',
  'state',
  'phone',
  'code',
  'name',
  'birth-date',
  'id-number',
  'amount',
  'terminal',
  'terminal-id',
  'challenge',
  'kind',
  'routes',
  'merchant',
  'biller',
  'facility',
  'outlet',
  'programs',
  'route',
  'stop',
  'at',
  'count',
  'qr',
  'file',
  'since',
  'cutoff',
  'month',
  'run',
  'card',
  'reason',
  'reference',
  'bill',
  'account',
  'date',
  'limit',
  'cursor',
  'points',
  'provider',
  'journey',
  'versions',
  'scopes',
  'scope',
] as const;

export function simHelp(): string {
  return [
    'usage: npm run sim -- <command> [options]',
    '',
    'A phone and a terminal against a OneCard stack, signing as they do. State (tokens, keys,',
    `credential, terminals) is kept in --state (default ./${DEFAULT_STATE}) between commands.`,
    '',
    ...ROLES.flatMap((role) => [
      `${role.title}:`,
      ...Object.values(role.commands).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
      '',
    ]),
    '',
    'options for every command:',
    `  --url <stack>     default ONECARD_URL or ${DEFAULT_URL}`,
    `  --state <file>    default ./${DEFAULT_STATE}`,
    '',
    'environment: ONECARD_ADMIN_TOKEN (the operator), ONECARD_TOPUP_WEBHOOK_SECRET (topup);',
    'npm start prints both, and keeps them with its data dir.',
    '',
    'exit codes: 0 done, 1 the stack said no (its code, message and each field it named), 2 a usage mistake.',
    '',
    'a first tap on the seed city:',
    '  npm run sim -- login --phone 13900000001',
    '  npm run sim -- open-card --name "Li Lei" --birth-date 1990-05-17',
    '  npm run sim -- topup --amount 1000',
    '  npm run sim -- register-device',
    '  npm run sim -- register-terminal --terminal bus --kind transit-terminal --routes B1',
    '  npm run sim -- tap --terminal bus --route B1 --stop B1-S1',
  ].join('\n');
}

export interface SimIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  fetch?: (request: Request) => Promise<Response>;
}

/** Runs one command; the answer is the process's exit code (0 done, 1 the API said no, 2 usage). */
export async function runSim(argv: string[], io: SimIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n\n${simHelp()}`);
    return 2;
  }
  const [name, ...extra] = parsed.positionals;
  if (parsed.values.help || !name || name === 'help') {
    io.out(simHelp());
    return name || parsed.values.help ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command || extra.length) {
    io.err(`${command ? `unexpected ${extra.join(' ')}` : `unknown command ${name}`}\n\n${simHelp()}`);
    return 2;
  }
  const statePath = parsed.values.state ?? DEFAULT_STATE;
  const url = parsed.values.url ?? io.env.ONECARD_URL ?? DEFAULT_URL;
  const state = readState(statePath);
  try {
    const printed = await command.run({
      api: oneCardClient(url.replace(/\/$/, ''), io.fetch),
      state,
      options: parsed.values,
      env: { adminToken: io.env.ONECARD_ADMIN_TOKEN, webhookSecret: io.env.ONECARD_TOPUP_WEBHOOK_SECRET },
    });
    writeState(statePath, state);
    io.out(printed);
    return 0;
  } catch (err) {
    if (err instanceof SimUsageError) {
      io.err(`${name}: ${err.message}\nusage: npm run sim -- ${command.usage}`);
      return 2;
    }
    if (err instanceof SimRefusedError) {
      io.out(err.message);
      return 1;
    }
    if (err instanceof ApiError) {
      io.err(`${name}: the stack answered ${err.status} ${err.code}: ${err.apiMessage}${issuesOf(err.details)}`);
      return 1;
    }
    if (err instanceof Error && fieldOf(err.cause, 'code') === 'ECONNREFUSED') {
      io.err(`${name}: nothing answers at ${url}: start the stack with npm start, or pass --url`);
      return 1;
    }
    throw err;
  }
}

/** The fields an answer's `details.issues` names, one a line; other details as JSON. */
function issuesOf(details: unknown): string {
  if (details === undefined) return '';
  const issues = fieldOf(details, 'issues');
  if (!Array.isArray(issues)) return `\n  details: ${JSON.stringify(details)}`;
  return issues.map((issue) => `\n  ${fieldOf(issue, 'path')}: ${fieldOf(issue, 'message')}`).join('');
}

function parse(argv: string[]) {
  const options = Object.fromEntries(OPTION_NAMES.map((n) => [n, { type: 'string' as const }]));
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
  }) as { values: Record<string, string | undefined> & { help?: boolean }; positionals: string[] };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*[/\\]/, ''))) {
  process.exitCode = await runSim(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
  });
}
