import { createRoute, z } from '@hono/zod-openapi';
import { catalogHas } from '../../shared/catalog/catalog';
import { CLIENT_KINDS, disableClient, getClient, registerClient, rekeyClient } from '../../shared/clients/clients';
import { normalizedPublicJwk, p256PublicKeyProblem } from '../../shared/devices/public-key';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, OperatorReason, optionalJsonBody } from '../http/schemas';

const Scope = z.union([
  z.strictObject({ routeIds: z.array(z.string().min(1).max(32)).min(1).max(100) }),
  z.strictObject({ merchantId: z.string().min(1).max(32) }),
  z.strictObject({ billerId: z.string().min(1).max(32) }),
]);

const PublicKeyJwk = z.record(z.string(), z.unknown()).superRefine((jwk, ctx) => {
  const problem = p256PublicKeyProblem(jwk);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const RegisterClient = z.strictObject({
  kind: z.enum(CLIENT_KINDS),
  name: z.string().trim().min(1).max(100),
  publicKeyJwk: PublicKeyJwk,
  scope: Scope,
});

const ClientSchema = z
  .object({
    clientId: z.string(),
    kind: z.enum(CLIENT_KINDS),
    name: z.string(),
    scope: z.record(z.string(), z.unknown()),
    status: z.enum(['active', 'disabled']),
    createdAt: z.string(),
  })
  .openapi('MachineClient');

const security = [{ operator: [] }];

/** Registers terminals, POS and billers with their ES256 public key and scope. */
export function clientRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/clients',
      tags: ['operator'],
      security,
      summary: 'Register a machine client',
      description:
        'scope by kind: transit-terminal {routeIds}, merchant-pos {merchantId}, biller {billerId}; each must name known routes, merchants or billers.',
      request: { body: jsonBody(RegisterClient) },
      responses: {
        201: { description: 'Registered', content: { 'application/json': { schema: ClientSchema } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await checkScope(deps, input.kind, input.scope);
      const client = await registerClient(
        deps.store,
        {
          kind: input.kind,
          name: input.name,
          scope: input.scope,
          publicKeyJwk: normalizedPublicJwk(input.publicKeyJwk),
        },
        deps.clock(),
      );
      const { publicKeyJwk: _k, ...answer } = client;
      return c.json(answer, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/clients/{clientId}',
      tags: ['operator'],
      security,
      summary: 'One machine client',
      request: { params: z.object({ clientId: z.string().max(64) }) },
      responses: {
        200: { description: 'The client', content: { 'application/json': { schema: ClientSchema } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const client = await getClient(deps.store, c.req.valid('param').clientId);
      if (!client) throw new NotFoundError('Client');
      const { publicKeyJwk: _k, ...answer } = client;
      return c.json(answer, 200);
    },
  );
}

const ClientChangeAnswer = { 'application/json': { schema: ClientSchema } };

/** Disabling and re-keying: what an operator does when a terminal, POS or biller key is lost or stolen. */
export function clientKeyRoutes(app: Router, deps: AppDeps) {
  const change = (
    c: { get(key: 'operator'): { principal: string } },
    reason: string | undefined,
    fallback: string,
  ) => ({
    principal: c.get('operator').principal,
    reason: reason ?? fallback,
    now: deps.clock(),
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/clients/{clientId}/disable',
      tags: ['operator'],
      security,
      summary: 'Disable a machine client (a stolen terminal): its assertions are refused with 401 within 10 seconds',
      request: {
        params: z.object({ clientId: z.string().min(1).max(64) }),
        body: optionalJsonBody(z.strictObject({ reason: OperatorReason })),
      },
      responses: {
        200: { description: 'Disabled', content: ClientChangeAnswer },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const reason = (c.req.valid('json') as { reason?: string } | undefined)?.reason;
      const client = await disableClient(deps.store, c.req.valid('param').clientId, change(c, reason, 'disabled'));
      const { publicKeyJwk: _k, ...answer } = client;
      return c.json(answer, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/clients/{clientId}/keys',
      tags: ['operator'],
      security,
      summary: 'Give a machine client a new ES256 public key: the old one is refused within 10 seconds',
      description: 'Also enables a disabled client again: re-keying is how a recovered or replaced device comes back.',
      request: {
        params: z.object({ clientId: z.string().min(1).max(64) }),
        body: jsonBody(z.strictObject({ publicKeyJwk: PublicKeyJwk, reason: OperatorReason.optional() })),
      },
      responses: {
        200: { description: 'Re-keyed', content: ClientChangeAnswer },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { publicKeyJwk, reason } = c.req.valid('json');
      const client = await rekeyClient(
        deps.store,
        c.req.valid('param').clientId,
        normalizedPublicJwk(publicKeyJwk),
        change(c, reason, 're-keyed'),
      );
      const { publicKeyJwk: _k, ...answer } = client;
      return c.json(answer, 200);
    },
  );
}

async function checkScope(deps: AppDeps, kind: (typeof CLIENT_KINDS)[number], scope: z.infer<typeof Scope>) {
  const bad = (message: string) => new ValidationError([{ path: 'scope', message }]);
  if (kind === 'transit-terminal') {
    if (!('routeIds' in scope)) throw bad('a transit terminal’s scope is {routeIds}');
    const known = new Set((await deps.fares.at(deps.clock())).routes.map((r) => r.routeId));
    const unknown = scope.routeIds.filter((r) => !known.has(r));
    if (unknown.length > 0) throw bad(`unknown routes: ${unknown.join(', ')}`);
  } else if (kind === 'merchant-pos') {
    if (!('merchantId' in scope)) throw bad('a POS’s scope is {merchantId}');
    if (!(await catalogHas(deps.store, 'merchant', scope.merchantId)))
      throw bad(`unknown merchant ${scope.merchantId}`);
  } else {
    if (!('billerId' in scope)) throw bad('a biller’s scope is {billerId}');
    if (!(await catalogHas(deps.store, 'biller', scope.billerId))) throw bad(`unknown biller ${scope.billerId}`);
  }
}
