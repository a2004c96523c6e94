import { createRoute, z } from '@hono/zod-openapi';
import { scopeFor } from '../../shared/clients/clients';
import { MAX_BATCH_ITEMS, processInCardOrder } from '../../shared/credentials/batch';
import { PRESENTATION_DECLINE_CODES } from '../../shared/credentials/presented';
import { VISIT_DECLINE_CODES, VISIT_KINDS } from '../../shared/facilities/model';
import { type FacilityDeps, processVisit } from '../../shared/facilities/visits';
import type { AppDeps } from '../deps';
import { countMovement, VISIT } from '../http/business-figures';
import { handsAssertionToPipeline } from '../http/machine-auth';
import type { Router } from '../http/router';
import { batchBody, errorResponses, jsonBody, presentedFields } from '../http/schemas';
import { presentationDeps } from '../presentation-deps';
import { terminalPolicy } from '../terminal-policy';
import { Rule } from '../transit-schemas';
import { batchErrorOf } from './transit-routes';

export const VisitSchema = z
  .strictObject({
    visitId: z
      .uuid()
      .openapi({ description: 'Made by the gate; a retry sends the same id and gets the same answer, forever' }),
    facilityId: z.string().min(1).max(32).openapi({ description: 'This gate’s facility', example: 'f-park' }),
    kind: z.enum(VISIT_KINDS).openapi({ description: 'enter at an entry facility; start and end of a rental' }),
    at: z.iso
      .datetime({ offset: true })
      .openapi({ description: 'When it happened (gate clock): at most 60 s ahead, at most 7 days old' }),
    ...presentedFields('gate', '; no amt'),
  })
  .openapi('Visit');

export const VisitResultSchema = z
  .object({
    visitId: z.string(),
    status: z.enum(['accepted', 'declined']),
    feeFen: z
      .number()
      .int()
      .openapi({ description: 'An entry’s fee; a start’s hold; an end’s whole rental fee (integer fen)' }),
    balanceFen: z.number().int().nullable(),
    fareClass: z.enum(['adult', 'student', 'senior', 'disabled']).nullable(),
    explanation: z.array(Rule),
    rentalId: z.string().optional(),
    declineCode: z.enum([...PRESENTATION_DECLINE_CODES, ...VISIT_DECLINE_CODES]).optional(),
  })
  .openapi('VisitResult');

export function facilityDeps(deps: AppDeps): FacilityDeps {
  return {
    ...presentationDeps(deps),
    facilities: deps.facilities,
    fares: deps.fares,
    cardRules: async () => (await deps.city()).card,
  };
}

const postFacilitiesVisitsRoute = createRoute({
  method: 'post',
  path: '/v1/facilities/visits',
  middleware: [handsAssertionToPipeline] as const,
  operationId: 'reportVisit',
  tags: ['facility gate'],
  security: [{ machine: [] }],
  summary: 'Report a visit: an entry, or a rental’s start or end; verified again, priced, charged once',
  description:
    'Declines are answers (status declined): the presentation refusals of taps, IDENTITY_NOT_VERIFIED (an entry that needs a verified identity), NO_OPEN_RENTAL (an end with no rental open), RENTAL_OPEN (a second start while one runs), INSUFFICIENT_FUNDS (fees need the whole amount in the balance).',
  request: { body: jsonBody(VisitSchema) },
  responses: {
    200: { description: 'Accepted or declined', content: { 'application/json': { schema: VisitResultSchema } } },
    ...errorResponses(400, 401, 403, 409, 429, 503),
  },
});

const postFacilitiesVisitsBatchRoute = createRoute({
  method: 'post',
  path: '/v1/facilities/visits/batch',
  operationId: 'uploadVisits',
  tags: ['facility gate'],
  security: [{ machine: [] }],
  summary: `Upload up to ${MAX_BATCH_ITEMS} visits made offline; one result per visit, in order`,
  description:
    'Each visit stands alone; one card’s visits are processed in the order of their `at`, so a rental’s start comes before its end however the gate queued them.',
  request: {
    body: batchBody('visits', VisitSchema, MAX_BATCH_ITEMS, 'each as POST /v1/facilities/visits takes it'),
  },
  responses: {
    200: {
      description: 'Results in order',
      content: {
        'application/json': {
          schema: z.object({ results: z.array(z.union([VisitResultSchema, batchErrorOf('visitId')])) }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 413, 429, 503),
  },
});

/** Facility gates (parks, libraries, sports centres, public bicycles): visits, online and offline. */
export function facilityRoutes(app: Router, deps: AppDeps) {
  const facility = facilityDeps(deps);
  const gateOf = async (machine: Parameters<typeof scopeFor>[0]) => ({
    clientId: machine.clientId,
    scope: scopeFor(machine, 'facility-gate'),
    policy: await terminalPolicy(machine, deps),
  });
  app.openapi(postFacilitiesVisitsRoute, async (c) => {
    const visit = c.req.valid('json');
    const gate = { ...(await gateOf(c.get('machine'))), assertionSpent: c.get('assertionSpent') };
    const result = await processVisit(facility, gate, visit);
    countMovement(deps.metrics, VISIT, { facility: visit.facilityId }, result, result.feeFen);
    return c.json(result, 200);
  });
  app.openapi(postFacilitiesVisitsBatchRoute, async (c) => {
    const gate = await gateOf(c.get('machine'));
    const { visits } = c.req.valid('json');
    const results = await processInCardOrder(
      visits,
      (visit, memo) => processVisit(facility, gate, visit, memo),
      (visit, error) => ({ visitId: visit.visitId, status: 'error' as const, error }),
    );
    results.forEach((r, i) => {
      if (r.status !== 'error') countMovement(deps.metrics, VISIT, { facility: visits[i]!.facilityId }, r, r.feeFen);
    });
    return c.json({ results }, 200);
  });
}
