/**
 * The city's operator (needs ONECARD_ADMIN_TOKEN): registers the machines, runs settlement and the
 * allowance, funds it, looks up, freezes and verifies cards, and reads the books. `npm run job` runs
 * the scheduled two of these.
 */
import { randomUUID } from 'node:crypto';
import { dailyRun } from '../../shared/settlement/daily';
import { businessDate } from '../../shared/time/shanghai';
import { type MachineKind, once, registerMachine } from '../client/actors';
import { ApiError, bearer, ok } from '../client/client';
import { adminOf, fen, json, need, type SimCommand, type SimContext, SimUsageError, terminalOf } from './context';

const operator = (ctx: SimContext) => bearer(adminOf(ctx));
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The option naming a machine's scope, by its kind, with what it holds. */
const SCOPE_OPTION: Record<MachineKind, { option: string; holds: string }> = {
  'transit-terminal': { option: 'routes', holds: '<routeId,...>' },
  'merchant-pos': { option: 'merchant', holds: '<merchantId>' },
  biller: { option: 'biller', holds: '<billerId>' },
  'facility-gate': { option: 'facility', holds: '<facilityId>' },
  'service-outlet': { option: 'outlet', holds: '<outletId>' },
  agency: { option: 'programs', holds: '<program,...>' },
};

function scopeFor(ctx: SimContext, kind: MachineKind) {
  const value = need(ctx, SCOPE_OPTION[kind].option);
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

/** A time in both clocks: the city's (the business day turns at 04:00 there) and UTC's. */
const bothClocks = (at: Date) =>
  `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} Asia/Shanghai (${at.toISOString()})`;

/**
 * The settlement cutoff: `--cutoff now`, an ISO time, or by default the daily run's (the start of the
 * current business day, 04:00 in Shanghai), whose run id names the day so that running it twice is one run.
 */
function cutoffOf(ctx: SimContext): { runId: string; cutoff: Date } {
  const given = ctx.options.cutoff;
  if (!given) return dailyRun(new Date());
  const cutoff = given === 'now' ? new Date() : new Date(given);
  if (Number.isNaN(cutoff.getTime())) throw new SimUsageError('--cutoff is now or an ISO 8601 time');
  return { runId: `sim_${cutoff.toISOString()}`, cutoff };
}

export const OPERATOR_COMMANDS: Record<string, SimCommand> = {
  'register-terminal': {
    usage: `register-terminal --terminal <name> --kind <kind> (${Object.values(SCOPE_OPTION)
      .map((s) => `--${s.option} ${s.holds}`)
      .join(' | ')})`,
    summary: 'register a validator, POS, gate, counter, biller or agency with a fresh key, kept under <name>',
    async run(ctx) {
      const name = need(ctx, 'terminal');
      const kind = Object.keys(SCOPE_OPTION).find((k): k is MachineKind => k === ctx.options.kind);
      if (!kind) throw new SimUsageError(`--kind is one of ${Object.keys(SCOPE_OPTION).join(', ')}`);
      const registration = { kind, name, scope: scopeFor(ctx, kind) } as Parameters<typeof registerMachine>[2];
      const machine = await registerMachine(ctx.api, adminOf(ctx), registration);
      ctx.state.terminals[name] = machine;
      return `terminal ${name} is client ${machine.clientId} (${kind})`;
    },
  },
  'credential-versions': {
    usage: 'credential-versions --terminal <name> --versions 1,2|2|1 [--reason <why>]',
    summary: 'turn the unlinkable credential (version 2) on at a terminal, or retire version 1 there',
    async run(ctx) {
      const terminal = terminalOf(ctx);
      const versions = need(ctx, 'versions')
        .split(',')
        .map((v) => (v.trim() === '2' ? 2 : v.trim() === '1' ? 1 : undefined));
      if (versions.some((v) => v === undefined)) throw new SimUsageError('--versions is 1, 2 or 1,2');
      const client = await ok(
        ctx.api.PUT('/v1/admin/clients/{clientId}/credential-versions', {
          params: { path: { clientId: terminal.clientId } },
          body: {
            versions: versions.filter((v): v is 1 | 2 => v !== undefined),
            reason: ctx.options.reason ?? 'simulator',
          },
          headers: operator(ctx),
        }),
      );
      return `terminal ${terminal.clientId} takes credential versions ${(client.credentialVersions ?? [1]).join(', ')}`;
    },
  },
  settle: {
    usage: 'settle [--cutoff now|<ISO time>]',
    summary: "settle every payee up to the cutoff (default: the daily run's, 04:00 in Shanghai today)",
    async run(ctx) {
      const { runId, cutoff } = cutoffOf(ctx);
      const body = { cutoff: cutoff.toISOString() };
      const run = await ok(
        ctx.api.POST('/v1/admin/settlement-runs', {
          body,
          params: { header: { 'idempotency-key': runId } },
          headers: operator(ctx),
        }),
      ).catch((err: unknown) => {
        // A later cutoff was settled already (say, `--cutoff now` earlier): this one has nothing left.
        if (err instanceof ApiError && err.code === 'CUTOFF_NOT_AFTER_PREVIOUS') return undefined;
        throw err;
      });
      if (!run) return `settlement up to ${bothClocks(cutoff)} was covered already by a run with a later cutoff`;
      const lines = run.lines.length;
      const hint =
        lines === 0 && !ctx.options.cutoff ? '; nothing moved before it: --cutoff now settles up to now' : '';
      return `settled up to ${bothClocks(cutoff)}: run ${run.runId}, ${lines} lines, ${run.payoutFen} fen paid out${hint}`;
    },
  },
  'settlement-run': {
    usage: 'settlement-run --run <runId>',
    summary: 'a settlement run and its lines',
    run: async (ctx) =>
      json(
        await ok(
          ctx.api.GET('/v1/admin/settlement-runs/{runId}', {
            params: { path: { runId: need(ctx, 'run') } },
            headers: operator(ctx),
          }),
        ),
      ),
  },
  fund: {
    usage: 'fund --amount <fen>',
    summary: 'move money from the city treasury into the allowance fund',
    async run(ctx) {
      const body = { amountFen: fen(ctx, 'amount') };
      const answer = await ok(
        ctx.api.POST('/v1/admin/benefit-funding', { body, params: { header: once() }, headers: operator(ctx) }),
      );
      return `the allowance fund holds ${answer.fundBalanceFen} fen`;
    },
  },
  allowance: {
    usage: 'allowance [--month <YYYY-MM>]',
    summary: "pay a month's senior living allowance (default: this month in Shanghai) and say whom it skipped and why",
    async run(ctx) {
      const month = ctx.options.month ?? businessDate(new Date()).slice(0, 7);
      if (!MONTH.test(month)) throw new SimUsageError('--month is YYYY-MM');
      const key = `allowance-${month}`;
      const run = await ok(
        ctx.api.POST('/v1/admin/allowance-runs', {
          body: { month },
          params: { header: { 'idempotency-key': key } },
          headers: operator(ctx),
        }),
      );
      const skipped = Object.entries(run.skipped ?? {})
        .filter(([, n]) => n > 0)
        .map(([reason, n]) => `${n} ${reason}`);
      const then = run.status === 'running' ? ' (still running: the same command goes on with it)' : '';
      return `allowance for ${month}: run ${run.runId}, ${run.status}${then}: ${run.paidCount} cards paid, ${run.paidFen} fen; skipped: ${skipped.join(', ') || 'none'}`;
    },
  },
  'lapse-points': {
    usage: 'lapse-points [--month <YYYY-MM>]',
    summary:
      'lapse the alliance points whose 12 months ended by a month (default: this month in Shanghai), step by step',
    async run(ctx) {
      const month = ctx.options.month ?? businessDate(new Date()).slice(0, 7);
      if (!MONTH.test(month)) throw new SimUsageError('--month is YYYY-MM');
      let cards = 0;
      let pointsLapsed = 0;
      for (let more = true; more; ) {
        const step = await ok(ctx.api.POST('/v1/admin/points-lapses', { body: { month }, headers: operator(ctx) }));
        cards += step.cards;
        pointsLapsed += step.pointsLapsed;
        more = step.more;
      }
      return `points lapse for ${month}: ${cards} cards, ${pointsLapsed} points into the alliance's pool`;
    },
  },
  'lookup-card': {
    usage: 'lookup-card --card <cardId>',
    summary: 'a card as the hotline sees it',
    run: async (ctx) =>
      json(
        await ok(
          ctx.api.GET('/v1/admin/cards/{cardId}', {
            params: { path: { cardId: need(ctx, 'card') } },
            headers: operator(ctx),
          }),
        ),
      ),
  },
  'freeze-card': {
    usage: 'freeze-card --card <cardId> [--reason <text>]',
    summary: 'the hotline freezes a card (a lost phone and SIM); only an operator lifts it',
    run: async (ctx) => json(await cardAction(ctx, '/v1/admin/cards/{cardId}/freeze')),
  },
  'unfreeze-card': {
    usage: 'unfreeze-card --card <cardId> [--reason <text>]',
    summary: 'lift a freeze, whoever set it',
    run: async (ctx) => json(await cardAction(ctx, '/v1/admin/cards/{cardId}/unfreeze')),
  },
  'verify-identity': {
    usage: 'verify-identity --card <cardId> --reference <form or ticket number>',
    summary: "record an in-person check of the holder's id card: concessions apply from then on",
    run: async (ctx) =>
      json(
        await ok(
          ctx.api.POST('/v1/admin/cards/{cardId}/identity-verification', {
            params: { path: { cardId: need(ctx, 'card') } },
            body: { reference: need(ctx, 'reference') },
            headers: operator(ctx),
          }),
        ),
      ),
  },
  reconciliation: {
    usage: 'reconciliation',
    summary: 'is the ledger balanced: every account summed, and by kind',
    run: async (ctx) => json(await ok(ctx.api.GET('/v1/admin/reconciliation', { headers: operator(ctx) }))),
  },
  'daily-report': {
    usage: 'daily-report [--date <YYYY-MM-DD>]',
    summary: "a business day's money in and out, by field (default: today in Shanghai)",
    async run(ctx) {
      const query = { businessDate: ctx.options.date ?? businessDate(new Date()) };
      return json(await ok(ctx.api.GET('/v1/admin/reports/daily', { params: { query }, headers: operator(ctx) })));
    },
  },
};

function cardAction(ctx: SimContext, path: '/v1/admin/cards/{cardId}/freeze' | '/v1/admin/cards/{cardId}/unfreeze') {
  const reason = ctx.options.reason ?? `sim ${randomUUID().slice(0, 8)}`;
  return ok(
    ctx.api.POST(path, { params: { path: { cardId: need(ctx, 'card') } }, body: { reason }, headers: operator(ctx) }),
  );
}
