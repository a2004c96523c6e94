import { createRoute, z } from '@hono/zod-openapi';
import { requireCurrentFareDay } from '../../shared/credentials/pseudonyms';
import { DENIED_CARDS_PAGE, deniedCardsPage, denyListSince, denyListVersion } from '../../shared/denylist/denylist';
import { RefusedError } from '../../shared/errors';
import { CARD_ID } from '../../shared/ledger/accounts';
import { decodeCursor, encodeCursor } from '../../shared/store/cursor';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { calendarDate, errorResponses, queryInt } from '../http/schemas';
import { pseudonymsFor } from '../presentation-deps';
import { terminalPolicy } from '../terminal-policy';

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
    credentialVersions: z.array(z.number().int()).openapi({
      description:
        'The phone credential versions to accept: 1 (typ onecard-credential+jwt), 2 (typ onecard-credential-v2+jwt, unlinkable) where its operator turned it on',
    }),
    pseudonymScope: z.string().optional().openapi({
      description:
        'With version 2: the scope a version 2 credential must name (`scp`), shown to the phone with the challenge so it presents the right one',
    }),
  })
  .openapi('TerminalConfig');

const PseudonymousDenyList = z
  .object({
    scope: z.string(),
    fareDay: z.string(),
    pseudonyms: z
      .array(z.string())
      .openapi({ description: 'The fare day’s pseudonyms (`sub`) of the cards denied now' }),
    nextCursor: z.string().nullable(),
  })
  .openapi('PseudonymousDenyList', {
    description:
      'Decline CARD_FROZEN a version 2 credential whose sub is listed. The whole list is new each fare day (a pseudonym lives one day): fetch tomorrow’s before midnight, and again through the day for cards frozen since.',
  });

/** What a terminal caches for offline work: the deny list, the issuer keys, the fare rules of its routes. */
export function terminalConfigRoutes(app: Router, deps: AppDeps) {
  pseudonymousDenyListRoute(app, deps);
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
      const policy = await terminalPolicy(machine, deps);
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
          credentialVersions: [...policy.versions],
          ...(policy.scope ? { pseudonymScope: policy.scope } : {}),
        },
        200,
      );
    },
  );
}

function pseudonymousDenyListRoute(app: Router, deps: AppDeps) {
  const pseudonyms = pseudonymsFor(deps.secrets);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/terminal/pseudonymous-deny-list',
      operationId: 'getPseudonymousDenyList',
      tags: ['terminal'],
      security: [{ machine: [] }],
      summary: 'The day’s pseudonyms of the cards denied now, for this terminal’s operator (version 2 credentials)',
      description: `Pages of ${DENIED_CARDS_PAGE}. 422 CREDENTIAL_VERSION_UNSUPPORTED where version 2 is not on for this terminal; a fare day other than today’s or the next is 422 FARE_DAY_OUT_OF_RANGE.`,
      request: {
        query: z.object({
          fareDay: calendarDate().openapi({ description: 'Today’s fare day or the next (YYYY-MM-DD)' }),
          cursor: z.string().max(512).optional().openapi({ description: 'nextCursor of the page before' }),
        }),
      },
      responses: {
        200: { description: 'A page of pseudonyms', content: { 'application/json': { schema: PseudonymousDenyList } } },
        ...errorResponses(400, 401, 403, 422),
      },
    }),
    async (c) => {
      const { fareDay, cursor } = c.req.valid('query');
      const policy = await terminalPolicy(c.get('machine'), deps);
      if (!policy.scope) {
        throw new RefusedError('CREDENTIAL_VERSION_UNSUPPORTED', 'Version 2 credentials are not on for this terminal');
      }
      requireCurrentFareDay(fareDay, deps.clock(), (await deps.fares.at(deps.clock())).fareDayStartHour);
      const after = cursor ? decodeCursor(cursor, 'pseudonymous-deny-list', CARD_ID) : undefined;
      const page = await deniedCardsPage(deps.store, after, deps.clock());
      const p = await pseudonyms();
      const scope = policy.scope;
      return c.json(
        {
          scope,
          fareDay,
          pseudonyms: page.cardIds.map((cardId) => p.pseudonym(scope, fareDay, cardId)),
          nextCursor: page.last ? encodeCursor('pseudonymous-deny-list', page.last) : null,
        },
        200,
      );
    },
  );
}
