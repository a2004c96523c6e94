import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type ZodError, locales as zodLocales } from 'zod';
import { type ErrorCode, type FieldIssue, OneCardError, RateLimitedError, statusOf } from '../../shared/errors';
import { translator } from '../../shared/i18n/i18n';
import type { Language } from '../../shared/i18n/languages';
import { errorFields } from '../../shared/log/logger';
import { classifyFailure } from '../../shared/store/retry';
import type { AppEnv } from './env';
import { callerLanguage } from './language';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId: string };
}

/**
 * The error answer. A caller who reads Chinese gets the code's message from the catalogue; English
 * keeps the throw site's own message, which names the figures of the case. Codes and details never change.
 */
export function errorJson(c: Context<AppEnv>, code: ErrorCode, message: string, details?: Record<string, unknown>) {
  const said = translator(callerLanguage(c)).errorMessage(code) ?? message;
  const body: ErrorBody = { error: { code, message: said, requestId: c.get('requestId') ?? 'unknown' } };
  if (details !== undefined) body.error.details = details;
  return c.json(body, statusOf(code));
}

const zhCN = zodLocales.zhCN().localeError;
const ZH_TYPES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
};

/** Zod's message of an issue in `language`: its own English, or its Chinese locale's. */
function issueMessage(issue: ZodError['issues'][number], language: Language): string {
  if (language === 'en') return issue.message;
  // A finished issue no longer holds the input, which the locale would name as "received": say what was expected.
  if (issue.code === 'invalid_type') return `无效输入：期望 ${ZH_TYPES[issue.expected] ?? issue.expected}`;
  const said = zhCN({ ...issue, input: undefined });
  return typeof said === 'string' ? said : (said?.message ?? issue.message);
}

export function zodIssues(error: ZodError, prefix?: string, language: Language = 'en'): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : undefined;
    return {
      path: [prefix, path, unknownKeys?.join(',')].filter((p) => p !== undefined && p !== '').join('.') || '(root)',
      message: issueMessage(issue, language),
    };
  });
}

/** The one error handler: our errors map through the table, anything else is a defect and says nothing. */
export function onError(err: Error, c: Context<AppEnv>) {
  if (err instanceof OneCardError) {
    if (err instanceof RateLimitedError) c.header('Retry-After', String(err.retryAfterSeconds));
    if (err.code === 'RETRY_LATER') c.header('Retry-After', '1');
    return errorJson(c, err.code, err.message, err.details);
  }
  if (err instanceof HTTPException) {
    if (err.status === 413) return errorJson(c, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
    if (err.status === 415) return errorJson(c, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
    if (err.status === 400) return errorJson(c, 'MALFORMED_JSON', err.message || 'Malformed request');
    if (err.status === 401) return errorJson(c, 'UNAUTHENTICATED', err.message || 'Unauthenticated');
  }
  const failure = classifyFailure(err);
  if (failure === 'transient' || failure === 'unknown-outcome') {
    // DynamoDB throttled or failed after the SDK's own retries: the client may retry.
    c.get('logger')?.warn('storage unavailable', { requestId: c.get('requestId'), ...errorFields(err) });
    c.header('Retry-After', '1');
    return errorJson(c, 'RETRY_LATER', 'The service is busy; retry later');
  }
  // The answer tells the caller this line's request id: the line must carry it to be found.
  c.get('logger')?.error('unhandled error', { requestId: c.get('requestId'), ...errorFields(err) });
  return errorJson(c, 'INTERNAL', 'Internal error; it has been logged with this request id');
}

/**
 * No route answered: 405 with `Allow` when the path is a route's under other methods (RFC 9110), 404
 * otherwise. `routes` are the app's own, read when the first such request comes.
 */
export function noRoute(routes: () => { method: string; path: string }[]) {
  let compiled: { method: string; pattern: RegExp }[] | undefined;
  return (c: Context<AppEnv>) => {
    compiled ??= routes()
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method, pattern: routePattern(r.path) }));
    const allowed = [...new Set(compiled.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method))];
    // A route of this method that found nothing to answer (an unknown docs asset) is a 404 still.
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      c.header('Allow', allowed.sort().join(', '));
      return errorJson(c, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here; use ${allowed.join(' or ')}`, {
        allow: allowed,
      });
    }
    return errorJson(c, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
  };
}

/** A Hono route path (`/v1/me/devices/:deviceId`) as a pattern of the paths it takes. */
const routePattern = (path: string) =>
  new RegExp(
    `^${path
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\/:[^/]+/g, '/[^/]+')
      .replace(/\*/g, '.*')}$`,
  );
