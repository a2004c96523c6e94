import { createRoute, z } from '@hono/zod-openapi';
import { ConflictError, ValidationError } from '../../shared/errors';
import type { Versioned } from '../../shared/store/versioned';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, OPERATOR_SECURITY, PageQuery } from '../http/schemas';

interface VersionedKind<T extends Versioned> {
  /** The collection's path under /v1/admin, e.g. fare-tables. */
  path: string;
  /** The operations' names in the document (and a typed client's): listing and publishing. */
  operations: { list: string; publish: string };
  what: string;
  schema: z.ZodType<T>;
  /** What the version decides, for the operator reading the docs. */
  pricedBy: string;
  store: {
    all(): Promise<T[]>;
    page(page: { limit: number; cursor?: string | undefined }): Promise<{ items: T[]; nextCursor: string | null }>;
    publish(doc: T): Promise<void>;
  };
  /**
   * The routes or facilities the new version drops that active machine clients are scoped to: such a
   * version would leave those terminals or gates refusing every tap, so it is refused unless the
   * operator says so (`?strand=true`).
   */
  strands?: (doc: T, latest: T | undefined) => Promise<StrandedScope[]>;
}

export interface StrandedScope {
  kind: 'route' | 'facility';
  id: string;
  /** Active clients scoped to it (at most 20 named). */
  clientIds: string[];
}

/**
 * The operator's routes of a document published in versions (fare tables, facility products): list
 * them newest first, publish a new one in force from its effectiveFrom. Versions are immutable.
 */
export function versionedRoutes<T extends Versioned>(app: Router, kind: VersionedKind<T>) {
  listVersionsRoute(app, kind);
  publishVersionRoute(app, kind);
}

const security = OPERATOR_SECURITY;

function listVersionsRoute<T extends Versioned>(app: Router, kind: VersionedKind<T>) {
  const { schema } = kind;
  app.openapi(
    createRoute({
      method: 'get',
      path: `/v1/admin/${kind.path}`,
      operationId: kind.operations.list,
      tags: ['operator'],
      security,
      summary: `The ${kind.what} versions, newest first, a page at a time`,
      request: { query: PageQuery },
      responses: {
        200: {
          description: 'Versions',
          content: {
            'application/json': { schema: z.object({ items: z.array(schema), nextCursor: z.string().nullable() }) },
          },
        },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) =>
      c.json((await kind.store.page(c.req.valid('query'))) as { items: never[]; nextCursor: string | null }, 200),
  );
}

function publishVersionRoute<T extends Versioned>(app: Router, kind: VersionedKind<T>) {
  const { schema } = kind;
  app.openapi(
    createRoute({
      method: 'post',
      path: `/v1/admin/${kind.path}`,
      operationId: kind.operations.publish,
      tags: ['operator'],
      security,
      summary: `Publish a new ${kind.what} version, in force from its effectiveFrom`,
      description: `Versions are immutable: a version number is published once (409 otherwise). ${kind.pricedBy}${
        kind.strands
          ? ' A version that drops a route or facility active machine clients are scoped to is 409 SCOPE_STRANDED, naming them (details.stranded), unless ?strand=true says the operator means it.'
          : ''
      }`,
      request: {
        body: jsonBody(schema),
        ...(kind.strands
          ? {
              query: z.strictObject({
                strand: z
                  .enum(['true', 'false'])
                  .optional()
                  .openapi({ description: 'true: publish even though it strands the clients it names' }),
              }),
            }
          : {}),
      },
      responses: {
        201: { description: 'Published', content: { 'application/json': { schema } } },
        ...errorResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const doc = c.req.valid('json') as T;
      const latest = (await kind.store.all())[0];
      if (latest && doc.version <= latest.version) {
        throw new ValidationError([
          { path: 'version', message: `must be greater than the latest version ${latest.version}` },
        ]);
      }
      const strand = (c.req.query('strand') ?? 'false') === 'true';
      const stranded = kind.strands && !strand ? await kind.strands(doc, latest) : [];
      if (stranded.length > 0) {
        const what = stranded.map((s) => `${s.kind} ${s.id} (${s.clientIds.length} clients)`).join(', ');
        throw new ConflictError('SCOPE_STRANDED', `This version drops what active clients are scoped to: ${what}`, {
          stranded,
        });
      }
      await kind.store.publish(doc);
      return c.json(doc as object, 201);
    },
  );
}
