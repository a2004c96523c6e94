import { createRoute, z } from '@hono/zod-openapi';
import { allowanceRules } from '../../shared/benefits/allowance';
import { AllowanceRulesSchema } from '../../shared/benefits/allowance-rules';
import { fareClassOf, setConcession } from '../../shared/cards/cards';
import { activeClientsScopedTo } from '../../shared/clients/scope-members';
import { FacilityCatalogSchema } from '../../shared/facilities/model';
import { FARE_CLASSES, FareTableSchema } from '../../shared/fares/fare-table';
import type { Store } from '../../shared/store/store';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, OPERATOR_SECURITY } from '../http/schemas';
import { type StrandedScope, versionedRoutes } from './versioned-routes';

const security = OPERATOR_SECURITY;

const putCardsFareClassRoute = createRoute({
  method: 'put',
  path: '/v1/admin/cards/{cardId}/fare-class',
  operationId: 'setFareClass',
  tags: ['operator'],
  security,
  summary: 'Grant a concession (student, disabled) on evidence the operator checked; adult takes it away',
  description:
    'Needs the holder’s identity verified in person first (422 IDENTITY_NOT_VERIFIED). senior follows from the birth date by itself. Takes effect for taps processed from now on; credentials issued later carry the new class.',
  request: {
    params: z.object({ cardId: z.string().max(64).openapi({ description: 'The card’s id' }) }),
    body: jsonBody(
      z.strictObject({
        fareClass: z
          .enum(FARE_CLASSES)
          .openapi({ description: 'The concession an operator grants after checking documents in person' }),
      }),
    ),
  },
  responses: {
    200: {
      description: 'Set',
      content: {
        'application/json': { schema: z.object({ cardId: z.string(), fareClass: z.enum(FARE_CLASSES) }) },
      },
    },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

/** Fares and facility products are operator business: publish new versions, grant a card's concession. */
export function fareRoutes(app: Router, deps: AppDeps) {
  versionedRoutes(app, {
    path: 'fare-tables',
    operations: { list: 'listFareTables', publish: 'publishFareTable' },
    what: 'fare table',
    schema: FareTableSchema,
    pricedBy:
      'Taps are priced by the version in force at their own time, so offline uploads keep the fare of the day they rode.',
    store: deps.fares,
    strands: (doc, latest) =>
      dropped(
        deps.store,
        'route',
        latest?.routes.map((r) => r.routeId),
        doc.routes.map((r) => r.routeId),
      ),
  });
  versionedRoutes(app, {
    path: 'allowance-rules',
    operations: { list: 'listAllowanceRules', publish: 'publishAllowanceRules' },
    what: 'allowance rules',
    schema: AllowanceRulesSchema,
    pricedBy: 'A month’s allowance is paid by the version in force on its first day.',
    store: allowanceRules(deps.store, deps.clock),
  });
  versionedRoutes(app, {
    path: 'facility-catalogs',
    operations: { list: 'listFacilityCatalogs', publish: 'publishFacilityCatalog' },
    what: 'facility catalog',
    schema: FacilityCatalogSchema,
    pricedBy:
      'Visits are priced by the version in force at their own time: an entry fee, a free entry on a verified identity, a rental’s hold and rates.',
    store: deps.facilities,
    strands: (doc, latest) =>
      dropped(
        deps.store,
        'facility',
        latest?.facilities.map((f) => f.facilityId),
        doc.facilities.map((f) => f.facilityId),
      ),
  });
  app.openapi(putCardsFareClassRoute, async (c) => {
    const { cardId } = c.req.valid('param');
    const now = deps.clock();
    const card = await setConcession(deps.store, cardId, c.req.valid('json').fareClass, now);
    return c.json({ cardId, fareClass: fareClassOf(card, now, (await deps.city()).card) }, 200);
  });
}

/** What a new version drops of the latest one that active clients are scoped to (costs the dropped ones' clients). */
async function dropped(
  store: Store,
  kind: 'route' | 'facility',
  before: string[] | undefined,
  after: string[],
): Promise<StrandedScope[]> {
  const kept = new Set(after);
  const gone = (before ?? []).filter((id) => !kept.has(id));
  const stranded: StrandedScope[] = [];
  for (const id of gone) {
    const clientIds = await activeClientsScopedTo(store, { kind, id });
    if (clientIds.length > 0) stranded.push({ kind, id, clientIds });
  }
  return stranded;
}
