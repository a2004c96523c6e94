import { OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError } from '../../shared/errors';
import type { AppEnv } from './env';
import { zodIssues } from './error-response';
import { callerLanguage } from './language';

/** A router for one area's routes: every zod failure becomes VALIDATION_FAILED naming each field path. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const target = result.target === 'json' ? undefined : result.target;
        throw new ValidationError(zodIssues(result.error, target, callerLanguage(c)));
      }
    },
  });
}

export type Router = ReturnType<typeof newRouter>;
