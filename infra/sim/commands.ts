/**
 * The simulator's commands: each one step a phone or a terminal takes, through the typed client and
 * the project's signing and verification code. A command reads what it needs from the state and
 * returns what it printed for a person, or throws a SimUsageError / ApiError.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { verifyTokens } from '../../shared/credentials/verify';
import {
  type Machine,
  type MachineKind,
  machineHeaders,
  registerMachine,
  registerPhone,
  signIn,
  topUp,
} from '../client/actors';
import { bearer, type OneCardClient, ok } from '../client/client';
import { newKeyPair, present, residentIdNumber } from '../client/signing';
import type { SimState } from './state';

/** A mistake in the command line itself (exit 2), as opposed to an answer of the API (exit 1). */
export class SimUsageError extends Error {
  override name = 'SimUsageError';
}

export interface SimContext {
  api: OneCardClient;
  state: SimState;
  options: Record<string, string | undefined>;
  env: { adminToken?: string | undefined; webhookSecret?: string | undefined };
}

/** An offline batch is at most what the API takes in one upload. */
const MAX_SIM_BATCH = 500;
/** Offline taps are spread at most this far apart, ending now, and never before the credential was issued. */
const BATCH_SPACING_MS = 120_000;

/** When the credential was issued (its `iat`): a terminal would not have seen it before then. */
function issuedAtMs(credential: string): number {
  const payload = JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString()) as { iat?: number };
  return (payload.iat ?? 0) * 1000;
}

const need = (ctx: SimContext, name: string): string => {
  const value = ctx.options[name];
  if (!value) throw new SimUsageError(`--${name} is required`);
  return value;
};
const fen = (ctx: SimContext, name: string): number => {
  const value = Number(need(ctx, name));
  if (!Number.isSafeInteger(value) || value <= 0) throw new SimUsageError(`--${name} is a whole number of fen above 0`);
  return value;
};
const phoneOf = (ctx: SimContext) => {
  if (!ctx.state.phone) throw new SimUsageError('no phone signed in yet: run `login --phone <number>` first');
  return ctx.state.phone;
};
const credentialOf = (ctx: SimContext) => {
  const phone = phoneOf(ctx);
  if (!phone.keys || !phone.credential) throw new SimUsageError('no device yet: run `register-device` first');
  return { keys: phone.keys, credential: phone.credential };
};
const terminalOf = (ctx: SimContext) => {
  const name = need(ctx, 'terminal');
  const terminal = ctx.state.terminals[name];
  if (!terminal) throw new SimUsageError(`no terminal named ${name}: run \`register-terminal --terminal ${name} ...\``);
  return terminal;
};
const adminOf = (ctx: SimContext) => {
  if (!ctx.env.adminToken) throw new SimUsageError('set ONECARD_ADMIN_TOKEN (npm start prints it)');
  return ctx.env.adminToken;
};
const json = (value: unknown) => JSON.stringify(value, null, 2);

const SCOPE_OPTION: Record<MachineKind, string> = {
  'transit-terminal': 'routes',
  'merchant-pos': 'merchant',
  biller: 'biller',
  'facility-gate': 'facility',
  'service-outlet': 'outlet',
  agency: 'programs',
};

function scopeFor(ctx: SimContext, kind: MachineKind) {
  const value = need(ctx, SCOPE_OPTION[kind]);
  const list = value.split(',').filter(Boolean);
  switch (kind) {
    case 'transit-terminal':
      return { routeIds: list };
    case 'merchant-pos':
      return { merchantId: value };
    case 'biller':
      return { billerId: value };
    case 'facility-gate':
      return { facilityId: value };
    case 'service-outlet':
      return { outletId: value };
    case 'agency':
      return { programs: list };
  }
}

export interface SimCommand {
  usage: string;
  summary: string;
  run(ctx: SimContext): Promise<string>;
}

export const COMMANDS: Record<string, SimCommand> = {
  keys: {
    usage: 'keys',
    summary: 'make an ES256 key pair and print it as JWKs (the private one stays with you)',
    run: async () => json(await newKeyPair()),
  },
  login: {
    usage: 'login --phone <11 digits> [--code <sms code>]',
    summary: 'sign in with an SMS code (the local stack answers the code itself)',
    async run(ctx) {
      const number = need(ctx, 'phone');
      ctx.state.phone = { number, accessToken: await signIn(ctx.api, number, ctx.options.code) };
      return `signed in as ${number}`;
    },
  },
  'open-card': {
    usage: 'open-card --name <name> --birth-date <YYYY-MM-DD> [--id-number <18 characters>]',
    summary: 'open the card (without --id-number, a valid made-up number for the birth date)',
    async run(ctx) {
      const birthDate = need(ctx, 'birth-date');
      const idNumber = ctx.options['id-number'] ?? residentIdNumber(birthDate, Math.floor(Math.random() * 1000));
      const body = { name: need(ctx, 'name'), idNumber, birthDate };
      return json(await ok(ctx.api.POST('/v1/me/card', { body, headers: bearer(phoneOf(ctx).accessToken) })));
    },
  },
  card: {
    usage: 'card',
    summary: 'show the card: balance, held amount, class, state',
    run: async (ctx) => json(await ok(ctx.api.GET('/v1/me/card', { headers: bearer(phoneOf(ctx).accessToken) }))),
  },
  topup: {
    usage: 'topup --amount <fen>',
    summary: 'top up, playing the payment provider too (needs ONECARD_TOPUP_WEBHOOK_SECRET)',
    async run(ctx) {
      if (!ctx.env.webhookSecret) throw new SimUsageError('set ONECARD_TOPUP_WEBHOOK_SECRET (npm start prints it)');
      const topupId = await topUp(ctx.api, phoneOf(ctx).accessToken, fen(ctx, 'amount'), ctx.env.webhookSecret);
      return `top-up ${topupId} succeeded`;
    },
  },
  'register-device': {
    usage: 'register-device [--name <device name>]',
    summary: "register this phone's own key and fetch a credential bound to it",
    async run(ctx) {
      const phone = phoneOf(ctx);
      const device = await registerPhone(ctx.api, phone.accessToken, ctx.options.name);
      Object.assign(phone, device);
      return `device ${device.deviceId} registered; credential valid for 24 hours`;
    },
  },
  credential: {
    usage: 'credential',
    summary: "fetch a fresh credential for the registered device (a day's life each)",
    async run(ctx) {
      const phone = phoneOf(ctx);
      if (!phone.deviceId) throw new SimUsageError('no device yet: run `register-device` first');
      const answer = await ok(
        ctx.api.POST('/v1/me/credentials', { body: { deviceId: phone.deviceId }, headers: bearer(phone.accessToken) }),
      );
      phone.credential = answer.credential;
      return json(answer);
    },
  },
  qr: {
    usage: 'qr --terminal-id <clientId> [--challenge <from the terminal>] [--amount <fen>]',
    summary: "print what the phone shows a terminal: credential, proof and challenge ('qr' without one)",
    async run(ctx) {
      const { keys, credential } = credentialOf(ctx);
      const amountFen = ctx.options.amount === undefined ? undefined : fen(ctx, 'amount');
      const shown = await present(keys, credential, {
        clientId: need(ctx, 'terminal-id'),
        challenge: ctx.options.challenge ?? 'qr',
        ...(amountFen === undefined ? {} : { amountFen }),
      });
      return json(shown);
    },
  },
  'register-terminal': {
    usage:
      'register-terminal --terminal <name> --kind <kind> (--routes B1,B2 | --merchant | --biller | --facility | --outlet | --programs)',
    summary: 'the operator registers a terminal with a fresh key (needs ONECARD_ADMIN_TOKEN)',
    async run(ctx) {
      const name = need(ctx, 'terminal');
      const kind = need(ctx, 'kind') as MachineKind;
      if (!(kind in SCOPE_OPTION)) throw new SimUsageError(`--kind is one of ${Object.keys(SCOPE_OPTION).join(', ')}`);
      const registration = { kind, name, scope: scopeFor(ctx, kind) } as Parameters<typeof registerMachine>[2];
      const machine = await registerMachine(ctx.api, adminOf(ctx), registration);
      ctx.state.terminals[name] = machine;
      return `terminal ${name} is client ${machine.clientId} (${kind})`;
    },
  },
  tap: {
    usage: 'tap --terminal <name> --route <routeId> --stop <stopId> [--kind board|entry|exit] [--at <ISO time>]',
    summary: "a validator reads the phone and reports the tap (the phone's proof signed for this terminal)",
    async run(ctx) {
      const terminal = terminalOf(ctx);
      const at = ctx.options.at ? new Date(ctx.options.at) : new Date();
      if (Number.isNaN(at.getTime())) throw new SimUsageError('--at is an ISO 8601 time');
      const body = await signedTap(ctx, terminal, (ctx.options.kind ?? 'board') as TapKind, at);
      return json(await ok(ctx.api.POST('/v1/transit/taps', { body, headers: await machineHeaders(terminal) })));
    },
  },
  pay: {
    usage: 'pay --terminal <name> --amount <fen>',
    summary: "a POS takes a purchase paid by the phone (the proof's amt is the amount)",
    async run(ctx) {
      const terminal = terminalOf(ctx);
      const { keys, credential } = credentialOf(ctx);
      const amountFen = fen(ctx, 'amount');
      const body = {
        paymentId: randomUUID(),
        amountFen,
        ...(await present(keys, credential, { clientId: terminal.clientId, amountFen })),
      };
      return json(await ok(ctx.api.POST('/v1/merchant/payments', { body, headers: await machineHeaders(terminal) })));
    },
  },
  batch: {
    usage: 'batch --terminal <name> --route <routeId> --stop <stopId> --count <n ≤ 500>',
    summary: 'a validator that was offline uploads n boardings, up to two minutes apart, ending now',
    async run(ctx) {
      const terminal = terminalOf(ctx);
      const { credential } = credentialOf(ctx);
      const count = Number(need(ctx, 'count'));
      if (!Number.isInteger(count) || count < 1 || count > MAX_SIM_BATCH)
        throw new SimUsageError(`--count is 1 to ${MAX_SIM_BATCH}`);
      const end = Date.now();
      const spacingMs = Math.min(BATCH_SPACING_MS, Math.floor((end - issuedAtMs(credential)) / count));
      const taps = [];
      for (let i = 0; i < count; i++) {
        const at = new Date(end - (count - 1 - i) * spacingMs);
        taps.push(await signedTap(ctx, terminal, 'board', at));
      }
      const { results } = await ok(
        ctx.api.POST('/v1/transit/taps/batch', { body: { taps }, headers: await machineHeaders(terminal) }),
      );
      const counts: Record<string, number> = {};
      let faresFen = 0;
      for (const r of results) {
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (r.status === 'accepted' && 'fareFen' in r) faresFen += r.fareFen;
      }
      return json({ uploaded: results.length, ...counts, faresFen });
    },
  },
  verify: {
    usage: "verify --qr '<json printed by qr>' --terminal-id <clientId> [--amount <fen>]",
    summary: "check a presentation offline as a terminal does, with the stack's published keys",
    async run(ctx) {
      let shown: { credential?: unknown; proof?: unknown; challenge?: unknown };
      try {
        shown = JSON.parse(need(ctx, 'qr'));
      } catch {
        throw new SimUsageError('--qr is the JSON that `qr` printed');
      }
      if (
        typeof shown.credential !== 'string' ||
        typeof shown.proof !== 'string' ||
        typeof shown.challenge !== 'string'
      )
        throw new SimUsageError('--qr needs credential, proof and challenge');
      // What a terminal caches for offline work: the issuer and its keys.
      const config = await ok(ctx.api.GET('/v1/terminal/config', { headers: await anyTerminalHeaders(ctx) }));
      const { issuer } = config;
      const jwks = config.jwks as { keys: JWK[] };
      const amountFen = ctx.options.amount === undefined ? undefined : fen(ctx, 'amount');
      const verdict = await verifyTokens(
        {
          credential: shown.credential,
          proof: shown.proof,
          challenge: shown.challenge,
          terminalId: need(ctx, 'terminal-id'),
          at: new Date(),
          ...(amountFen === undefined ? {} : { amountFen }),
        },
        { issuer, jwks, now: new Date() },
      );
      return json(verdict.ok ? { ok: true, card: verdict.credential.sub, fareClass: verdict.credential.fcl } : verdict);
    },
  },
};

type TapKind = 'board' | 'entry' | 'exit';

/** One tap as a validator reports it, with the phone's proof made for this validator at `at`. */
async function signedTap(ctx: SimContext, terminal: Machine, kind: TapKind, at: Date) {
  const { keys, credential } = credentialOf(ctx);
  return {
    tapId: randomUUID(),
    routeId: need(ctx, 'route'),
    stopId: need(ctx, 'stop'),
    kind,
    at: at.toISOString(),
    ...(await present(keys, credential, { clientId: terminal.clientId, at })),
  };
}

/** The terminal config (issuer, deny list) is read with any registered terminal's assertion. */
async function anyTerminalHeaders(ctx: SimContext) {
  const terminal = Object.values(ctx.state.terminals)[0];
  if (!terminal)
    throw new SimUsageError('register a terminal first: the config that names the issuer is for terminals');
  return machineHeaders(terminal);
}
