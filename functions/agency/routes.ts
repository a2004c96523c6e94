import { createRoute, z } from '@hono/zod-openapi';
import { scopeFor } from '../../shared/clients/clients';
import { MAX_RECORDS_PER_UPLOAD, UploadedRecordSchema } from '../../shared/eligibility/model';
import { storeEligibility } from '../../shared/eligibility/records';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody } from '../http/schemas';

// Built with the OpenAPI-aware z from the domain's shape: a schema made before @hono/zod-openapi
// extended zod has no .openapi() (the order of imports decides, so never rely on it).
const RecordSchema = z.strictObject(UploadedRecordSchema.shape).openapi('EligibilityRecord', {
  description:
    'idNumber: the 18-character resident id (17 digits and an ISO 7064 MOD 11-2 check character, e.g. 11010519491231002X), kept only as a keyed hash; program senior-allowance, student or disabled; group dibao, wubao, youfu or none; validFrom and validTo YYYY-MM-DD (validTo may be null); status active, ended or deceased. Each record is checked on its own.',
});

const UploadAnswer = z
  .object({
    results: z.array(
      z.object({
        recordId: z.string(),
        status: z.enum(['stored', 'error']),
        error: z.object({ path: z.string(), message: z.string() }).optional(),
      }),
    ),
  })
  .openapi('EligibilityUpload');

/** Agencies vouch for residents: eligibility records, upserted by the agency's own record id. */
export function agencyRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/agency/eligibility',
      operationId: 'uploadEligibility',
      tags: ['agency'],
      security: [{ machine: [] }],
      summary: `Upload up to ${MAX_RECORDS_PER_UPLOAD} eligibility records; one result per record, in order`,
      description:
        'A bad record (check character, dates out of order, unknown program or group) gets its own error and stores nothing; the others are stored. A program outside the agency’s scope refuses the whole upload (403). A record may arrive before its holder opens a card: it applies once the card exists.',
      request: {
        body: jsonBody(
          z.strictObject({
            records: z
              .array(RecordSchema)
              .min(1)
              .max(MAX_RECORDS_PER_UPLOAD)
              .openapi({ description: `1 to ${MAX_RECORDS_PER_UPLOAD} records, upserted by recordId` }),
          }),
        ),
      },
      responses: {
        200: { description: 'Per-record results', content: { 'application/json': { schema: UploadAnswer } } },
        ...errorResponses(400, 401, 403, 413, 429, 503),
      },
    }),
    async (c) => {
      const machine = c.get('machine');
      const { programs } = scopeFor(machine, 'agency');
      const results = await storeEligibility(
        deps.store,
        { clientId: machine.clientId, programs },
        c.req.valid('json').records,
        await deps.secrets.get('residentIdPepper'),
        deps.clock(),
      );
      return c.json({ results }, 200);
    },
  );
}
