/**
 * What every simulator command works with: the typed client, the state kept between commands, the
 * command line's options, and the small readers of each (a required option, fen, the signed-in phone,
 * a named terminal, the operator's token).
 */
import { readFileSync } from 'node:fs';
import type { Machine } from '../client/actors';
import type { OneCardClient } from '../client/client';
import type { SimState } from './state';

/** A mistake in the command line itself (exit 2), as opposed to an answer of the API (exit 1). */
export class SimUsageError extends Error {
  override name = 'SimUsageError';
}

/** The command ran, and what it found is a refusal (an offline check that fails): printed, exit 1. */
export class SimRefusedError extends Error {
  override name = 'SimRefusedError';
}

export interface SimContext {
  api: OneCardClient;
  state: SimState;
  options: Record<string, string | undefined>;
  env: { adminToken?: string | undefined; webhookSecret?: string | undefined };
}

export interface SimCommand {
  usage: string;
  summary: string;
  run(ctx: SimContext): Promise<string>;
}

export const need = (ctx: SimContext, name: string): string => {
  const value = ctx.options[name];
  if (!value) throw new SimUsageError(`--${name} is required`);
  return value;
};

export const fen = (ctx: SimContext, name: string): number => {
  const value = Number(need(ctx, name));
  if (!Number.isSafeInteger(value) || value <= 0) throw new SimUsageError(`--${name} is a whole number of fen above 0`);
  return value;
};

/** `--limit` and `--cursor` of a list, where given. */
export const page = (ctx: SimContext) => {
  const limit = ctx.options.limit === undefined ? undefined : Number(ctx.options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new SimUsageError('--limit is 1 or more');
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(ctx.options.cursor === undefined ? {} : { cursor: ctx.options.cursor }),
  };
};

export const phoneOf = (ctx: SimContext) => {
  if (!ctx.state.phone) throw new SimUsageError('no phone signed in yet: run `login --phone <number>` first');
  return ctx.state.phone;
};

export const credentialOf = (ctx: SimContext) => {
  const phone = phoneOf(ctx);
  if (!phone.keys || !phone.credential) throw new SimUsageError('no device yet: run `register-device` first');
  return { keys: phone.keys, credential: phone.credential };
};

/** The phone's version 2 credential for an operator scope (`day-credentials` fetched it). */
export const dayCredentialOf = (ctx: SimContext, scope: string) => {
  const held = phoneOf(ctx).dayCredentials?.[scope];
  if (!held) throw new SimUsageError(`no credential for ${scope}: run \`day-credentials --scopes ${scope}\` first`);
  return { keys: held.keys, credential: held.credential };
};

export const terminalOf = (ctx: SimContext): Machine => {
  const name = need(ctx, 'terminal');
  const terminal = ctx.state.terminals[name];
  if (!terminal) throw new SimUsageError(`no terminal named ${name}: run \`register-terminal --terminal ${name} ...\``);
  return terminal;
};

export const adminOf = (ctx: SimContext) => {
  if (!ctx.env.adminToken) throw new SimUsageError('set ONECARD_ADMIN_TOKEN (npm start prints it)');
  return ctx.env.adminToken;
};

/** The JSON file `--file` names (an upload's body). */
export function jsonFile(ctx: SimContext): unknown {
  const path = need(ctx, 'file');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SimUsageError(`cannot read --file ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SimUsageError(`--file ${path} is not JSON`);
  }
}

export const json = (value: unknown) => JSON.stringify(value, null, 2);
