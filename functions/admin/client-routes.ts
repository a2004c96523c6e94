import { createRoute, z } from '@hono/zod-openapi';
import { catalogHas } from '../../shared/catalog/catalog';
import {
  CLIENT_KINDS,
  disableClient,
  getClient,
  type MachineIdentity,
  registerClient,
  rekeyClient,
  setCredentialVersions,
} from '../../shared/clients/clients';
import { pseudonymScopeOf } from '../../shared/clients/pseudonym-scope';
import { normalizedPublicJwk } from '../../shared/devices/public-key';
import { PROGRAMS } from '../../shared/eligibility/model';
import { NotFoundError, RefusedError, ValidationError } from '../../shared/errors';
import { FacilityIdSchema } from '../../shared/facilities/model';
import { OutletIdSchema } from '../../shared/outlets/model';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import {
  errorResponses,
  jsonBody,
  OPERATOR_SECURITY,
  OperatorReason,
  optionalJsonBody,
  p256PublicJwk,
  printableText,
} from '../http/schemas';

const PublicKeyJwk = p256PublicJwk(
  'The client’s P-256 public key as JWK (kty EC, crv P-256, x, y): its assertions are verified with it',
);

const common = {
  name: printableText(1, 100).openapi({ description: 'Where it stands, e.g. “bus 1234 front door”' }),
  publicKeyJwk: PublicKeyJwk,
};
/** Each kind with the scope it acts in: a scope of another kind's shape is a 400 naming `scope`. */
const RegisterClient = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('transit-terminal').openapi({ description: 'transit-terminal: a bus or metro validator' }),
    ...common,
    scope: z
      .strictObject({
        routeIds: z
          .array(z.string().min(1).max(32))
          .min(1)
          .max(100)
          .openapi({ description: 'The routes it may report taps for' }),
      })
      .openapi({ description: 'Where a validator acts' }),
  }),
  z.strictObject({
    kind: z.literal('merchant-pos').openapi({ description: 'merchant-pos: an alliance merchant’s till' }),
    ...common,
    scope: z
      .strictObject({
        merchantId: z.string().min(1).max(32).openapi({ description: 'The merchant it takes payments for' }),
      })
      .openapi({ description: 'Where a POS acts' }),
  }),
  z.strictObject({
    kind: z.literal('biller').openapi({ description: 'biller: a utility that uploads bills' }),
    ...common,
    scope: z
      .strictObject({ billerId: z.string().min(1).max(32).openapi({ description: 'The biller it uploads bills for' }) })
      .openapi({ description: 'Where a biller acts' }),
  }),
  z.strictObject({
    kind: z.literal('facility-gate').openapi({ description: 'facility-gate: a park, library or bicycle gate' }),
    ...common,
    scope: z
      .strictObject({ facilityId: FacilityIdSchema.describe('The facility it guards') })
      .openapi({ description: 'Where a gate acts' }),
  }),
  z.strictObject({
    kind: z.literal('service-outlet').openapi({ description: 'service-outlet: a service hall counter taking cash' }),
    ...common,
    scope: z
      .strictObject({ outletId: OutletIdSchema.describe('The service outlet whose till it uses') })
      .openapi({ description: 'Where a counter acts' }),
  }),
  z.strictObject({
    kind: z.literal('agency').openapi({ description: 'agency: a government agency vouching for eligibility' }),
    ...common,
    scope: z
      .strictObject({
        programs: z
          .array(z.enum(PROGRAMS))
          .min(1)
          .max(PROGRAMS.length)
          .openapi({ description: 'The programs it vouches for' }),
      })
      .openapi({ description: 'What an agency may upload' }),
  }),
]);

const ClientSchema = z
  .object({
    clientId: z.string(),
    kind: z.enum(CLIENT_KINDS),
    name: z.string(),
    scope: z.record(z.string(), z.unknown()),
    status: z.enum(['active', 'disabled']),
    createdAt: z.string(),
    credentialVersions: z
      .array(z.number().int())
      .optional()
      .openapi({ description: 'The phone credential versions it accepts; absent: [1]' }),
  })
  .openapi('MachineClient');

const security = OPERATOR_SECURITY;

/** Registers terminals, POS and billers with their ES256 public key and scope. */
export function clientRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/clients',
      operationId: 'registerClient',
      tags: ['operator'],
      security,
      summary: 'Register a machine client',
      description:
        'scope by kind: transit-terminal {routeIds}, merchant-pos {merchantId}, biller {billerId}, facility-gate {facilityId}, service-outlet {outletId} (the operator’s own label, 1 to 64 of A-Z a-z 0-9 _ -), agency {programs} (senior-allowance, student, disabled); routes, merchants, billers and facilities must exist.',
      request: { body: jsonBody(RegisterClient) },
      responses: {
        201: { description: 'Registered', content: { 'application/json': { schema: ClientSchema } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await checkScope(deps, input);
      const client = await registerClient(
        deps.store,
        { ...input, publicKeyJwk: normalizedPublicJwk(input.publicKeyJwk) },
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
      operationId: 'getClient',
      tags: ['operator'],
      security,
      summary: 'One machine client',
      request: { params: z.object({ clientId: z.string().max(64).openapi({ description: 'The client’s id' }) }) },
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
      operationId: 'disableClient',
      tags: ['operator'],
      security,
      summary: 'Disable a machine client (a stolen terminal): its assertions are refused with 401 within 10 seconds',
      request: {
        params: z.object({ clientId: z.string().min(1).max(64).openapi({ description: 'The client to disable' }) }),
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
      operationId: 'rekeyClient',
      tags: ['operator'],
      security,
      summary: 'Give a machine client a new ES256 public key: the old one is refused within 10 seconds',
      description: 'Also enables a disabled client again: re-keying is how a recovered or replaced device comes back.',
      request: {
        params: z.object({ clientId: z.string().min(1).max(64).openapi({ description: 'The client to re-key' }) }),
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

const credentialVersionsRoute = createRoute({
  method: 'put',
  path: '/v1/admin/clients/{clientId}/credential-versions',
  operationId: 'setClientCredentialVersions',
  tags: ['operator'],
  security,
  summary: 'Turn the unlinkable credential (version 2) on or off for a terminal, or retire version 1 there',
  description:
    'Both versions are verified side by side where both are on; a terminal’s instances see the change within 10 seconds. Version 2 needs one operator per terminal (a validator of one operator’s routes, a merchant’s POS, a facility’s gate): 422 CREDENTIAL_VERSION_UNSUPPORTED otherwise (an outlet checks the resident id anyway).',
  request: {
    params: z.object({ clientId: z.string().min(1).max(64).openapi({ description: 'The terminal' }) }),
    body: jsonBody(
      z.strictObject({
        versions: z
          .array(z.union([z.literal(1), z.literal(2)]))
          .min(1)
          .max(2)
          .openapi({ description: 'What it accepts from now on: [1], [1, 2] or [2]' }),
        reason: OperatorReason.optional(),
      }),
    ),
  },
  responses: {
    200: { description: 'Changed', content: ClientChangeAnswer },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

/** Which phone credential versions a terminal takes: version 2 on, or version 1 retired, by an operator. */
export function clientVersionRoutes(app: Router, deps: AppDeps) {
  const change = (principal: string, reason: string | undefined, versions: number[]) => ({
    principal,
    reason: reason ?? `versions ${versions.join(',')}`,
    now: deps.clock(),
  });
  app.openapi(credentialVersionsRoute, async (c) => {
    const { clientId } = c.req.valid('param');
    const { versions, reason } = c.req.valid('json');
    const known = await getClient(deps.store, clientId);
    if (!known) throw new NotFoundError('Client');
    if (versions.includes(2) && !pseudonymScopeOf(known, (await deps.fares.at(deps.clock())).routes)) {
      throw new RefusedError(
        'CREDENTIAL_VERSION_UNSUPPORTED',
        'Version 2 needs one operator per terminal: a validator of one operator’s routes, a POS or a gate',
      );
    }
    const client = await setCredentialVersions(
      deps.store,
      clientId,
      versions,
      change(c.get('operator').principal, reason, versions),
    );
    const { publicKeyJwk: _k, ...answer } = client;
    return c.json(answer, 200);
  });
}

/** A scope names things that exist: routes in force, merchants, billers and facilities we know. */
async function checkScope(deps: AppDeps, identity: MachineIdentity) {
  const bad = (message: string) => new ValidationError([{ path: 'scope', message }]);
  const now = deps.clock();
  switch (identity.kind) {
    case 'transit-terminal': {
      const known = new Set((await deps.fares.at(now)).routes.map((r) => r.routeId));
      const unknown = identity.scope.routeIds.filter((r) => !known.has(r));
      if (unknown.length > 0) throw bad(`unknown routes: ${unknown.join(', ')}`);
      return;
    }
    case 'merchant-pos':
      if (!(await catalogHas(deps.store, 'merchant', identity.scope.merchantId)))
        throw bad(`unknown merchant ${identity.scope.merchantId}`);
      return;
    case 'biller':
      if (!(await catalogHas(deps.store, 'biller', identity.scope.billerId)))
        throw bad(`unknown biller ${identity.scope.billerId}`);
      return;
    case 'facility-gate':
      if (!(await deps.facilities.facility(identity.scope.facilityId, now)))
        throw bad(`unknown facility ${identity.scope.facilityId}`);
      return;
    case 'service-outlet':
      // An outlet is the operator's own label: it exists once a client names it.
      return;
    case 'agency':
      return;
  }
}
