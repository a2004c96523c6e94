/**
 * The machines a phone is shown to: a bus validator, a POS, a park gate, an outlet's counter. Each
 * reads the phone's presentation made for it and reports what happened, signing its own assertion.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { verifyTokens } from '../../shared/credentials/verify';
import { type Machine, machineHeaders } from '../client/actors';
import { ok } from '../client/client';
import { present } from '../client/signing';
import {
  credentialOf,
  dayCredentialOf,
  fen,
  json,
  need,
  type SimCommand,
  type SimContext,
  SimRefusedError,
  SimUsageError,
  terminalOf,
} from './context';

/** An offline batch is at most what the API takes in one upload. */
const MAX_SIM_BATCH = 500;
/** Offline taps are spread at most this far apart, ending now, and never before the credential was issued. */
const BATCH_SPACING_MS = 120_000;
const TAP_KINDS = ['board', 'entry', 'exit'] as const;
const VISIT_KINDS = ['enter', 'start', 'end'] as const;

/** When the credential was issued (its `iat`): a terminal would not have seen it before then. */
function issuedAtMs(credential: string): number {
  const payload = JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString()) as { iat?: number };
  return (payload.iat ?? 0) * 1000;
}

/** `--at`, or now. */
function atOf(ctx: SimContext): Date {
  const at = ctx.options.at ? new Date(ctx.options.at) : new Date();
  if (Number.isNaN(at.getTime())) throw new SimUsageError('--at is an ISO 8601 time');
  return at;
}

/** `--kind` of a list of kinds, or the first. */
function kindOf<K extends string>(ctx: SimContext, kinds: readonly K[]): K {
  const kind = ctx.options.kind ?? kinds[0];
  const known = kinds.find((k) => k === kind);
  if (!known) throw new SimUsageError(`--kind is one of ${kinds.join(', ')}`);
  return known;
}

/** The phone's presentation made for this machine at `at`. */
async function presented(ctx: SimContext, machine: Machine, at = new Date(), amountFen?: number, points?: number) {
  // `--scope`: the unlinkable credential for that operator, as a terminal that takes version 2 sees it.
  const { keys, credential } = ctx.options.scope ? dayCredentialOf(ctx, ctx.options.scope) : credentialOf(ctx);
  return present(keys, credential, {
    clientId: machine.clientId,
    at,
    ...(amountFen === undefined ? {} : { amountFen }),
    ...(points === undefined ? {} : { points }),
  });
}

/**
 * One tap as a validator reports it: with what a phone's screen showed it (`--qr`, the JSON a wallet's
 * code holds: credential, proof, challenge), or with the simulated phone's proof made for it at `at`.
 */
async function signedTap(ctx: SimContext, terminal: Machine, kind: (typeof TAP_KINDS)[number], at: Date) {
  return {
    tapId: randomUUID(),
    routeId: need(ctx, 'route'),
    stopId: need(ctx, 'stop'),
    kind,
    at: at.toISOString(),
    ...(ctx.options.qr === undefined ? await presented(ctx, terminal, at) : shownCode(ctx.options.qr)),
  };
}

/** What a phone's code shows a terminal, as the wallet and `qr` print it. */
function shownCode(qr: string): { credential: string; proof: string; challenge: string } {
  let shown: { credential?: unknown; proof?: unknown; challenge?: unknown };
  try {
    shown = JSON.parse(qr);
  } catch {
    throw new SimUsageError("--qr is the JSON a phone shows (the wallet's code, or what `qr` printed)");
  }
  const { credential, proof, challenge } = shown;
  if (typeof credential !== 'string' || typeof proof !== 'string' || typeof challenge !== 'string')
    throw new SimUsageError('--qr needs credential, proof and challenge');
  return { credential, proof, challenge };
}

/** The terminal config (issuer, deny list) is read with any registered terminal's assertion. */
async function anyTerminalHeaders(ctx: SimContext) {
  const terminal = Object.values(ctx.state.terminals)[0];
  if (!terminal)
    throw new SimUsageError('register a terminal first: the config that names the issuer is for terminals');
  return machineHeaders(terminal);
}

export const TERMINAL_COMMANDS: Record<string, SimCommand> = {
  tap: {
    usage:
      "tap --terminal <name> --route <routeId> --stop <stopId> [--kind board|entry|exit] [--at <ISO time>] [--scope <operator scope>] [--qr '<the code a phone shows>']",
    summary: "a validator reads the phone and reports the tap (the phone's proof signed for this terminal)",
    async run(ctx) {
      const terminal = terminalOf(ctx);
      const body = await signedTap(ctx, terminal, kindOf(ctx, TAP_KINDS), atOf(ctx));
      return json(await ok(ctx.api.POST('/v1/transit/taps', { body, headers: await machineHeaders(terminal) })));
    },
  },
  pay: {
    usage: 'pay --terminal <name> --amount <fen> [--points <n>]',
    summary: "a POS takes a purchase paid by the phone (the proof's amt is the amount; pts lets it spend --points)",
    async run(ctx) {
      const terminal = terminalOf(ctx);
      const amountFen = fen(ctx, 'amount');
      const points = ctx.options.points === undefined ? undefined : fen(ctx, 'points');
      const body = {
        paymentId: randomUUID(),
        amountFen,
        ...(points === undefined ? {} : { points }),
        ...(await presented(ctx, terminal, new Date(), amountFen, points)),
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
        taps.push(await signedTap(ctx, terminal, 'board', new Date(end - (count - 1 - i) * spacingMs)));
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
  visit: {
    usage: 'visit --terminal <gate> --facility <facilityId> [--kind enter|start|end] [--at <ISO time>]',
    summary: 'a park gate, library gate or bicycle dock reads the phone: an entry, a rental start or its end',
    async run(ctx) {
      const gate = terminalOf(ctx);
      const at = atOf(ctx);
      const body = {
        visitId: randomUUID(),
        facilityId: need(ctx, 'facility'),
        kind: kindOf(ctx, VISIT_KINDS),
        at: at.toISOString(),
        ...(await presented(ctx, gate, at)),
      };
      return json(await ok(ctx.api.POST('/v1/facilities/visits', { body, headers: await machineHeaders(gate) })));
    },
  },
  'cash-topup': {
    usage: 'cash-topup --terminal <outlet> --amount <fen>',
    summary: "an outlet's counter takes cash and credits the card the phone shows",
    async run(ctx) {
      const outlet = terminalOf(ctx);
      const body = { topupId: randomUUID(), amountFen: fen(ctx, 'amount'), ...(await presented(ctx, outlet)) };
      return json(await ok(ctx.api.POST('/v1/outlet/topups', { body, headers: await machineHeaders(outlet) })));
    },
  },
  'identity-check': {
    usage: 'identity-check --terminal <outlet> --id-number <18 characters, read from the id card>',
    summary: "an outlet's clerk checks the holder's id card against the card the phone shows",
    async run(ctx) {
      const outlet = terminalOf(ctx);
      const body = { checkId: randomUUID(), idNumber: need(ctx, 'id-number'), ...(await presented(ctx, outlet)) };
      return json(
        await ok(ctx.api.POST('/v1/outlet/identity-checks', { body, headers: await machineHeaders(outlet) })),
      );
    },
  },
  'close-card': {
    usage: 'close-card --terminal <outlet> --id-number <18 characters, read from the id card>',
    summary: 'an outlet closes the card the phone shows and pays its balance back in cash (退卡退款)',
    async run(ctx) {
      const outlet = terminalOf(ctx);
      const body = { closureId: randomUUID(), idNumber: need(ctx, 'id-number'), ...(await presented(ctx, outlet)) };
      return json(await ok(ctx.api.POST('/v1/outlet/closures', { body, headers: await machineHeaders(outlet) })));
    },
  },
  'pay-closed': {
    usage: 'pay-closed --terminal <outlet> --card <cardId> --id-number <18 characters>',
    summary: 'an outlet pays out in cash what came back onto a closed card (a refund the provider refused)',
    async run(ctx) {
      const outlet = terminalOf(ctx);
      const body = { payoutId: randomUUID(), cardId: need(ctx, 'card'), idNumber: need(ctx, 'id-number') };
      return json(
        await ok(ctx.api.POST('/v1/outlet/closed-card-payouts', { body, headers: await machineHeaders(outlet) })),
      );
    },
  },
  till: {
    usage: 'till --terminal <outlet> [--date <YYYY-MM-DD>]',
    summary: "the outlet's cash of a business day (today by default)",
    async run(ctx) {
      const outlet = terminalOf(ctx);
      const query = ctx.options.date ? { businessDate: ctx.options.date } : {};
      return json(
        await ok(ctx.api.GET('/v1/outlet/till', { params: { query }, headers: await machineHeaders(outlet) })),
      );
    },
  },
  verify: {
    usage: "verify --qr '<json printed by qr>' --terminal-id <clientId> [--amount <fen>]",
    summary: "check a presentation offline as a terminal does, with the stack's published keys (exit 1 if refused)",
    async run(ctx) {
      const shown = shownCode(need(ctx, 'qr'));
      // What a terminal caches for offline work: the issuer and its keys.
      const config = await ok(ctx.api.GET('/v1/terminal/config', { headers: await anyTerminalHeaders(ctx) }));
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
        { issuer: config.issuer, jwks, now: new Date() },
      );
      if (!verdict.ok) throw new SimRefusedError(json(verdict));
      return json({ ok: true, card: verdict.credential.sub, fareClass: verdict.credential.fcl });
    },
  },
};
