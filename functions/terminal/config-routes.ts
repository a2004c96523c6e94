import { createRoute, z } from '@hono/zod-openapi';
import { denyListSince, denyListVersion } from '../../shared/denylist/denylist';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, queryInt } from '../http/schemas';

const Entry = z.object({ kind: z.enum(['card', 'device']), id: z.string() });
const DenyList = z
  .object({ version: z.number().int(), added: z.array(Entry), removed: z.array(Entry), more: z.boolean() })
  .openapi('DenyListDelta', {
    description: 'Apply added and removed to the cached list, then ask again with since=version',
  });

const TerminalConfig = z
  .object({
    clientId: z.string(),
    kind: z.string().openapi({ description: 'This client’s kind: transit-terminal, facility-gate, merchant-pos, ...' }),
    issuer: z.string().openapi({ description: 'The credential’s `iss` must equal this' }),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi({
      description: 'The issuer’s public keys (also at /.well-known/jwks.json): verify credentials by `kid`',
    }),
    fareTable: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'The fare table in force, with only this validator’s routes: price taps offline' }),
    facility: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'A gate’s facility and its products' }),
    fareClasses: z.record(z.string(), z.unknown()).optional().openapi({ description: 'A gate’s class multipliers' }),
    denyListVersion: z
      .number()
      .int()
      .openapi({ description: 'Ask /v1/terminal/deny-list?since=<your version> when this is newer' }),
    serverTime: z.string().openapi({ description: 'The server’s clock: a terminal far from it should resynchronise' }),
  })
  .openapi('TerminalConfig');

/** What a terminal caches for offline work: the deny list, the issuer keys, the fare rules of its routes. */
export function terminalConfigRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/terminal/deny-list',
      operationId: 'getDenyList',
      tags: ['terminal'],
      security: [{ machine: [] }],
      summary: 'Deny-list changes since a version (since=0: the whole list)',
      request: {
        query: z.strictObject({
          since: queryInt(0, Number.MAX_SAFE_INTEGER, 0).openapi({
            description: 'The version this terminal holds (0: send the whole list)',
          }),
        }),
      },
      responses: {
        200: { description: 'The delta', content: { 'application/json': { schema: DenyList } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => c.json(await denyListSince(deps.store, c.req.valid('query').since), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/terminal/config',
      operationId: 'getTerminalConfig',
      tags: ['terminal'],
      security: [{ machine: [] }],
      summary:
        'Offline configuration: issuer, JWKS, the deny-list version, and what this client prices offline (a validator its routes’ fare rules, a gate its facility’s products and the class multipliers)',
      responses: {
        200: {
          description: 'Configuration',
          content: { 'application/json': { schema: TerminalConfig } },
        },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => {
      const machine = c.get('machine');
      const now = deps.clock();
      const table = await deps.fares.at(now);
      const routeIds = new Set(machine.kind === 'transit-terminal' ? machine.scope.routeIds : []);
      const facility =
        machine.kind === 'facility-gate' ? await deps.facilities.facility(machine.scope.facilityId, now) : undefined;
      return c.json(
        {
          clientId: machine.clientId,
          kind: machine.kind,
          issuer: deps.config.issuer,
          jwks: await deps.keyRing.jwks(),
          fareTable: { ...table, routes: table.routes.filter((r) => routeIds.has(r.routeId)) },
          ...(facility ? { facility, fareClasses: table.classes } : {}),
          denyListVersion: await denyListVersion(deps.store),
          serverTime: now.toISOString(),
        },
        200,
      );
    },
  );
}
