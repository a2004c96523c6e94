import type { MiddlewareHandler } from 'hono';
import { authenticateMachine, requireKind } from '../../shared/clients/assertion';
import { getClient, type MachineClient, type MachinePrincipal } from '../../shared/clients/clients';
import { takeToken } from '../../shared/ratelimit/fixed-window';
import type { AppDeps } from '../deps';
import { bearerToken } from './auth';
import type { AppEnv } from './env';

/**
 * How long an instance trusts what it read of a client: a disabled or re-keyed client is refused
 * everywhere within this (the contract's 10 seconds).
 */
export const CLIENT_CACHE_MS = 10_000;
const CLIENT_CACHE_ENTRIES = 10_000;

export function clientLoader(deps: AppDeps) {
  const cache = new Map<string, { client: MachineClient | undefined; at: number }>();
  return async (clientId: string) => {
    const now = deps.clock().getTime();
    const hit = cache.get(clientId);
    if (hit && now - hit.at < CLIENT_CACHE_MS) return hit.client;
    const client = await getClient(deps.store, clientId);
    if (cache.size >= CLIENT_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(clientId, { client, at: now });
    return client;
  };
}

/**
 * Terminals, POS and billers: the signed assertion, then the kind of client the route is for, then
 * the client's own request limit (counted only once the assertion verified, so nobody can spend
 * another client's allowance).
 */
export function machineAuth(deps: AppDeps, ...kinds: MachineClient['kind'][]): MiddlewareHandler<AppEnv> {
  const load = clientLoader(deps);
  return async (c, next) => {
    const now = deps.clock();
    const client = await authenticateMachine(deps.store, bearerToken(c), load, now);
    requireKind(client, ...kinds);
    await takeToken(deps.store, `client:${client.clientId}`, deps.config.limits.machineRequestsPerMinute, 60, now);
    c.set('machine', { clientId: client.clientId, kind: client.kind, scope: client.scope } as MachinePrincipal);
    await next();
  };
}
