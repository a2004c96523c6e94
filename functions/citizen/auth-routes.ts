import { createRoute, z } from '@hono/zod-openapi';
import { issueAccessToken } from '../../shared/identity/access-token';
import { citizenForPhone } from '../../shared/identity/citizens';
import { checkLoginCode } from '../../shared/identity/login';
import { createOtp } from '../../shared/identity/otp';
import { maskPhone, phoneHash } from '../../shared/identity/phone';
import { takeToken } from '../../shared/ratelimit/fixed-window';
import type { AppDeps } from '../deps';
import { newRouter } from '../http/router';
import { errorResponses, jsonBody } from '../http/schemas';
import { sourceAddress } from '../http/source-address';
import { PhoneSchema } from './schemas';

const OtpAnswer = z
  .object({
    expiresAt: z.string(),
    devCode: z.string().optional().openapi({ description: 'Local stage only: the code an SMS would carry' }),
  })
  .openapi('OtpAnswer');

const TokenAnswer = z
  .object({ accessToken: z.string(), expiresAt: z.string(), citizenId: z.string() })
  .openapi('AccessToken');

const postAuthOtpRoute = createRoute({
  method: 'post',
  path: '/v1/auth/otp',
  operationId: 'requestOtp',
  tags: ['citizen'],
  summary: 'Send a 6-digit login code to the phone (5 minutes, 5 tries); rate limited per phone and address',
  request: {
    body: jsonBody(z.strictObject({ phone: PhoneSchema })),
  },
  responses: {
    200: { description: 'Sent', content: { 'application/json': { schema: OtpAnswer } } },
    ...errorResponses(400, 429),
  },
});

const postAuthTokenRoute = createRoute({
  method: 'post',
  path: '/v1/auth/token',
  operationId: 'issueToken',
  tags: ['citizen'],
  summary: 'Trade the phone and its code for an access token',
  description:
    'Every request that does not log in counts as a wrong code for the phone: after the 10th within 24 hours every request for it answers 429 RATE_LIMITED, the right code included, until a day after the first. Rate limited per source address too.',
  request: {
    body: jsonBody(
      z.strictObject({
        phone: PhoneSchema,
        code: z
          .string()
          .regex(/^\d{6}$/)
          .openapi({ description: 'The 6-digit code from the SMS (locally, devCode)' }),
      }),
    ),
  },
  responses: {
    200: { description: 'Logged in', content: { 'application/json': { schema: TokenAnswer } } },
    ...errorResponses(400, 401, 429),
  },
});

/** SMS login: a one-time code, then a short-lived access token. */
export function authRoutes(deps: AppDeps) {
  const app = newRouter();
  app.openapi(postAuthOtpRoute, async (c) => {
    const { phone } = c.req.valid('json');
    const now = deps.clock();
    const loginKey = await deps.secrets.get('loginKey');
    const who = phoneHash(loginKey, phone);
    await takeToken(deps.store, `otp-phone:${who}`, deps.config.otp.perPhonePerMinute, 60, now);
    await takeToken(deps.store, `otp-addr:${sourceAddress(c)}`, deps.config.otp.perAddressPerMinute, 60, now);
    const { code, expiresAt } = await createOtp(deps.store, loginKey, who, now);
    if (deps.sms) {
      await deps.sms(phone, `【OneCard】Your login code is ${code}; it expires in 5 minutes.`);
      return c.json({ expiresAt }, 200);
    }
    return c.json({ expiresAt, devCode: code }, 200);
  });
  app.openapi(postAuthTokenRoute, async (c) => {
    const { phone, code } = c.req.valid('json');
    const now = deps.clock();
    await takeToken(deps.store, `token-addr:${sourceAddress(c)}`, deps.config.otp.tokenPerAddressPerMinute, 60, now);
    const loginKey = await deps.secrets.get('loginKey');
    const who = phoneHash(loginKey, phone);
    await checkLoginCode(deps.store, loginKey, who, code, now);
    const citizenId = await citizenForPhone(deps.store, { hash: who, masked: maskPhone(phone) }, now);
    const token = await issueAccessToken(await deps.keyRing.signer(), deps.config.issuer, { citizenId, phone }, now);
    return c.json({ ...token, citizenId }, 200);
  });
  return app;
}
