import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthenticatedError } from '../../shared/errors';
import { verifyAccessToken } from '../../shared/identity/access-token';
import type { AppDeps } from '../deps';
import type { AppEnv } from './env';

export function bearerToken(c: Context<AppEnv>): string {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer ([\w\-.~+/]+=*)$/.exec(header);
  if (!match) throw new UnauthenticatedError('Send Authorization: Bearer <token>');
  return match[1]!;
}

/** What `citizenAuth` may answer before the route runs: no or a bad token. */
export const CITIZEN_AUTH_STATUSES = [401] as const;

/** The citizen's access token, verified against the issuer's published keys. */
export function citizenAuth(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c);
    const claims = await verifyAccessToken(token, await deps.keyRing.jwks(), deps.config.issuer, deps.clock());
    c.set('citizen', claims);
    await next();
  };
}

/** Who an operator write is recorded as locally, where one shared admin token stands for every operator. */
export const LOCAL_OPERATOR = 'local-operator';

type IamContext = { userArn?: string; callerId?: string };

/** What `operatorAuth` may answer before the route runs: no token (locally), no IAM authorization (cloud). */
export const OPERATOR_AUTH_STATUSES = [401, 403] as const;

/**
 * Operators: locally the admin token, compared in constant time; in the cloud API Gateway has
 * already checked the caller's IAM signature, and the event says who signed (recorded on every write).
 */
export function operatorAuth(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const expected = createHash('sha256').update(deps.config.adminToken).digest();
  return async (c, next) => {
    if (deps.config.stage === 'cloud') {
      const event = (c.env as { event?: { requestContext?: { authorizer?: { iam?: IamContext } } } } | undefined)
        ?.event;
      const iam = event?.requestContext?.authorizer?.iam;
      if (!iam) throw new ForbiddenError('Operator routes need IAM authorization');
      c.set('operator', { principal: iam.userArn ?? iam.callerId ?? 'iam:unknown' });
    } else {
      const token = bearerToken(c);
      const given = createHash('sha256').update(token).digest();
      if (!deps.config.adminToken || !timingSafeEqual(given, expected))
        throw new UnauthenticatedError('Not an operator token');
      c.set('operator', { principal: LOCAL_OPERATOR });
    }
    await next();
  };
}
