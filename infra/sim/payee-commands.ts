/** The machines of those who are paid or who send records: a biller's upload, an agency's, a payee's settlements. */
import { machineHeaders } from '../client/actors';
import { ok } from '../client/client';
import { json, jsonFile, page, type SimCommand, type SimContext, SimUsageError, terminalOf } from './context';

/** An upload's body from --file: an object with the list the route takes (`bills`, `records`). */
function uploadOf<K extends string>(ctx: SimContext, list: K): Record<K, never[]> {
  const body = jsonFile(ctx);
  if (typeof body !== 'object' || body === null || !Array.isArray(Reflect.get(body, list))) {
    throw new SimUsageError(`--file holds {"${list}": [...]} (docs/openapi.json says each one's fields)`);
  }
  // The API checks every field and answers each problem by its path: the simulator does not repeat it.
  return body as Record<K, never[]>;
}

export const PAYEE_COMMANDS: Record<string, SimCommand> = {
  'upload-bills': {
    usage: 'upload-bills --terminal <biller> --file <bills.json>',
    summary: 'a biller uploads its bills ({"bills": [...]}; the same externalRef again changes that bill)',
    async run(ctx) {
      const biller = terminalOf(ctx);
      const body = uploadOf(ctx, 'bills');
      return json(await ok(ctx.api.PUT('/v1/biller/bills', { body, headers: await machineHeaders(biller) })));
    },
  },
  'bill-payments': {
    usage: 'bill-payments --terminal <biller> [--since <ISO time>] [--limit <n>] [--cursor <c>]',
    summary: "the biller's feed of payments made by citizens",
    async run(ctx) {
      const biller = terminalOf(ctx);
      const query = { ...page(ctx), ...(ctx.options.since ? { since: ctx.options.since } : {}) };
      return json(
        await ok(ctx.api.GET('/v1/biller/payments', { params: { query }, headers: await machineHeaders(biller) })),
      );
    },
  },
  'upload-records': {
    usage: 'upload-records --terminal <agency> --file <records.json>',
    summary: 'an agency (civil affairs, education) uploads eligibility records ({"records": [...]})',
    async run(ctx) {
      const agency = terminalOf(ctx);
      const body = uploadOf(ctx, 'records');
      return json(await ok(ctx.api.PUT('/v1/agency/eligibility', { body, headers: await machineHeaders(agency) })));
    },
  },
  settlements: {
    usage: 'settlements --terminal <a merchant POS or a biller> [--limit <n>] [--cursor <c>]',
    summary: "the payee's settlement lines, newest first: what each run paid it",
    async run(ctx) {
      const payee = terminalOf(ctx);
      const request = { params: { query: page(ctx) }, headers: await machineHeaders(payee) };
      if (payee.kind === 'merchant-pos') return json(await ok(ctx.api.GET('/v1/merchant/settlements', request)));
      if (payee.kind === 'biller') return json(await ok(ctx.api.GET('/v1/biller/settlements', request)));
      throw new SimUsageError('settlements are read by a merchant POS or a biller');
    },
  },
};
