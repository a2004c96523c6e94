import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { authenticateMachine, requireKind } from '../../shared/clients/assertion';
import { getClient, type MachineClient, type MachinePrincipal } from '../../shared/clients/clients';
import { batchedWindowLimit } from '../../shared/ratelimit/batched-window';
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
 * Put in a route's `middleware` when its handler hands the assertion's single-use write
 * (`c.get('assertionSpent')`) to the presentation pipeline, which awaits it before it commits: the
 * write then overlaps reading the card and checking the proof instead of coming before them. Every
 * other route waits for the write before its handler runs.
 */
export const handsAssertionToPipeline: MiddlewareHandler<AppEnv> = async (_c, next) => {
  await next();
};

const routeHandsAssertionOn = (c: Context<AppEnv>) =>
  matchedRoutes(c).some((route) => route.handler === handsAssertionToPipeline);

/**
 * What `machineAuth` may answer before the route runs: a bad or replayed assertion (401), a client of
 * another kind (403), the client's request limit (429), its single-use write outlasting our retries (503).
 */
export const MACHINE_AUTH_STATUSES = [401, 403, 429, 503] as const;

/**
 * Terminals, POS and billers: the signed assertion, then the kind of client the route is for, then
 * the client's own request limit (counted only once the assertion verified, so nobody can spend
 * another client's allowance).
 */
export function machineAuth(deps: AppDeps, ...kinds: MachineClient['kind'][]): MiddlewareHandler<AppEnv> {
  const load = clientLoader(deps);
  const limit = batchedWindowLimit(deps.store, deps.config.limits.machineRequestsPerMinute, 60);
  return async (c, next) => {
    const now = deps.clock();
    const { client, spent } = await authenticateMachine(deps.store, bearerToken(c), load, now);
    try {
      requireKind(client, ...kinds);
      await limit(`client:${client.clientId}`, now);
    } catch (err) {
      await spent;
      throw err;
    }
    c.set('machine', {
      clientId: client.clientId,
      kind: client.kind,
      scope: client.scope,
      ...(client.credentialVersions ? { credentialVersions: client.credentialVersions } : {}),
    } as MachinePrincipal);
    c.set('assertionSpent', spent);
    if (!routeHandsAssertionOn(c)) await spent;
    await next();
    // A handler that answered without reaching the pipeline (a 4xx before any write) still used it up.
    await spent;
  };
}
