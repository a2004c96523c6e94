import { createRoute, z } from '@hono/zod-openapi';
import { type MachinePrincipal, scopeFor } from '../../shared/clients/clients';
import type { Logger } from '../../shared/log/logger';
import { MAX_BATCH_TAPS, processBatch } from '../../shared/transit/batch';
import type { TapResult } from '../../shared/transit/model';
import { processTap, type TapTerminal, type TransitDeps } from '../../shared/transit/taps';
import type { AppDeps } from '../deps';
import { countMovement, TAP } from '../http/business-figures';
import { handsAssertionToPipeline } from '../http/machine-auth';
import type { Router } from '../http/router';
import { batchBody, errorResponses, jsonBody, presentedFields } from '../http/schemas';
import { presentationDeps } from '../presentation-deps';
import { terminalPolicy } from '../terminal-policy';
import { TapResultSchema } from '../transit-schemas';

export const TapSchema = z
  .strictObject({
    tapId: z.uuid().openapi({
      description: 'Made by the terminal; a retry sends the same id and gets the same answer, forever',
      example: '0b6f3c1e-8a2d-4f5b-9c7e-2d4a6b8c0e1f',
    }),
    routeId: z
      .string()
      .min(1)
      .max(32)
      .openapi({ description: 'The route, within this validator’s scope', example: 'B1' }),
    stopId: z.string().min(1).max(32).openapi({ description: 'The stop on that route', example: 'B1-S1' }),
    kind: z
      .enum(['board', 'entry', 'exit'])
      .openapi({ description: 'board on flat routes; entry and exit on tap-on/tap-off routes', example: 'board' }),
    at: z.iso.datetime({ offset: true }).openapi({
      description: 'When the tap happened (terminal clock): at most 60 s ahead, at most 7 days old',
      example: '2026-12-04T07:42:10+08:00',
    }),
    ...presentedFields('validator', '; no amt'),
  })
  .openapi('Tap');

/** A request of an offline upload that the domain refused outright, answered in its place. */
export const batchErrorOf = (idName: string) =>
  z.object({
    [idName]: z.string(),
    status: z.literal('error'),
    error: z.object({ code: z.string(), message: z.string() }),
  });

const BatchItemSchema = z.union([TapResultSchema, batchErrorOf('tapId')]);

/** One line per tap for operators: the outcome and the money, never the tokens. */
function logTap(logger: Logger, terminal: string, r: TapResult) {
  logger.info('tap', { terminal, tapId: r.tapId, status: r.status, declineCode: r.declineCode, fareFen: r.fareFen });
}

export function transitDeps(deps: AppDeps): TransitDeps {
  return {
    ...presentationDeps(deps),
    fares: deps.fares,
    cardRules: async () => (await deps.city()).card,
  };
}

/** The validator a request comes from: its routes and the credential versions it takes. */
async function validatorOf(machine: MachinePrincipal, deps: AppDeps): Promise<TapTerminal> {
  return {
    clientId: machine.clientId,
    scope: scopeFor(machine, 'transit-terminal'),
    policy: await terminalPolicy(machine, deps),
  };
}

export function transitRoutes(app: Router, deps: AppDeps) {
  const transit = transitDeps(deps);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/transit/taps',
      operationId: 'reportTap',
      middleware: [handsAssertionToPipeline] as const,
      tags: ['terminal'],
      security: [{ machine: [] }],
      summary: 'Report a tap: verified again, priced, charged once',
      description:
        'A refusal is an answer: 200 with status declined and a declineCode, and no money moves. A route outside the terminal’s scope is 403; an unknown route or stop, or a kind that does not fit the route, is 400.',
      request: { body: jsonBody(TapSchema) },
      responses: {
        200: { description: 'Accepted or declined', content: { 'application/json': { schema: TapResultSchema } } },
        ...errorResponses(400, 401, 403, 409, 503),
      },
    }),
    async (c) => {
      const machine = c.get('machine');
      const terminal = { ...(await validatorOf(machine, deps)), assertionSpent: c.get('assertionSpent') };
      const tap = c.req.valid('json');
      const result = await processTap(transit, terminal, tap);
      logTap(c.get('logger'), machine.clientId, result);
      countMovement(deps.metrics, TAP, { route: tap.routeId }, result, result.fareFen);
      return c.json(result, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/transit/taps/batch',
      operationId: 'uploadTaps',
      tags: ['terminal'],
      security: [{ machine: [] }],
      summary: `Upload up to ${MAX_BATCH_TAPS} taps made offline; one result per tap, in order`,
      description:
        'Each tap stands alone. One card’s taps are processed in the order given. A tap refused outright (outside the terminal’s scope, a reused tapId) answers status error in its place.',
      request: {
        body: batchBody('taps', TapSchema, MAX_BATCH_TAPS, 'each as POST /v1/transit/taps takes it'),
      },
      responses: {
        200: {
          description: 'Results in order',
          content: { 'application/json': { schema: z.object({ results: z.array(BatchItemSchema) }) } },
        },
        ...errorResponses(400, 401, 403, 413, 503),
      },
    }),
    async (c) => {
      const machine = c.get('machine');
      const terminal = await validatorOf(machine, deps);
      const { taps } = c.req.valid('json');
      const results = await processBatch(transit, terminal, taps);
      const counts: Record<string, number> = {};
      results.forEach((r, i) => {
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (r.status !== 'error') countMovement(deps.metrics, TAP, { route: taps[i]!.routeId }, r, r.fareFen);
      });
      c.get('logger').info('tap batch', { terminal: machine.clientId, taps: results.length, ...counts });
      return c.json({ results }, 200);
    },
  );
}
