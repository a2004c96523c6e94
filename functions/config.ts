import { z } from 'zod';

/** Settings every area reads, resolved once by the composition root (Lambda handler or local stack). */
export interface RuntimeConfig {
  stage: 'local' | 'cloud';
  /** `iss` of every token we sign, and what we pin when we verify them. */
  issuer: string;
  adminToken: string;
  otp: {
    perPhonePerMinute: number;
    perAddressPerMinute: number;
    /** Token requests (code checks) one source address may make a minute. */
    tokenPerAddressPerMinute: number;
  };
  /** Per-caller limits, so that no one caller can wear the service or the deny list down. */
  limits: {
    /** Requests one machine client may make a minute (a batch of taps counts once). */
    machineRequestsPerMinute: number;
    /** Bill lookups one citizen may make a minute: account numbers are guessable. */
    billLookupsPerMinute: number;
    /** Freezes and unfreezes one citizen may make an hour: each grows the deny list every terminal downloads. */
    cardStatusChangesPerHour: number;
  };
}

export const DEFAULT_LIMITS: RuntimeConfig['limits'] = {
  machineRequestsPerMinute: 1200,
  billLookupsPerMinute: 30,
  cardStatusChangesPerHour: 6,
};

const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

/**
 * The limits an environment may set, parsed once with zod by both composition roots: a typo fails at
 * start-up, naming the variable, instead of becoming NaN in a rate check.
 */
const LimitsEnv = (otpPhone: number, otpAddress: number) =>
  z.object({
    ONECARD_OTP_PER_PHONE_PER_MINUTE: count(otpPhone),
    ONECARD_OTP_PER_ADDRESS_PER_MINUTE: count(otpAddress),
    ONECARD_TOKEN_PER_ADDRESS_PER_MINUTE: count(otpAddress),
    ONECARD_MACHINE_REQUESTS_PER_MINUTE: count(DEFAULT_LIMITS.machineRequestsPerMinute),
    ONECARD_BILL_LOOKUPS_PER_MINUTE: count(DEFAULT_LIMITS.billLookupsPerMinute),
    ONECARD_CARD_STATUS_CHANGES_PER_HOUR: count(DEFAULT_LIMITS.cardStatusChangesPerHour),
  });

function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`the environment is not valid: ${problems}`);
  }
  return parsed.data;
}

/** The OTP and per-caller limits from the environment; the stage decides the defaults (local allows more logins). */
export function limitsFromEnv(
  env: Record<string, string | undefined>,
  stage: RuntimeConfig['stage'],
): Pick<RuntimeConfig, 'otp' | 'limits'> {
  const e = parseEnv(stage === 'local' ? LimitsEnv(5, 120) : LimitsEnv(3, 60), env);
  return {
    otp: {
      perPhonePerMinute: e.ONECARD_OTP_PER_PHONE_PER_MINUTE,
      perAddressPerMinute: e.ONECARD_OTP_PER_ADDRESS_PER_MINUTE,
      tokenPerAddressPerMinute: e.ONECARD_TOKEN_PER_ADDRESS_PER_MINUTE,
    },
    limits: {
      machineRequestsPerMinute: e.ONECARD_MACHINE_REQUESTS_PER_MINUTE,
      billLookupsPerMinute: e.ONECARD_BILL_LOOKUPS_PER_MINUTE,
      cardStatusChangesPerHour: e.ONECARD_CARD_STATUS_CHANGES_PER_HOUR,
    },
  };
}

const CloudEnv = z.object({
  ONECARD_ISSUER: z.url(),
  TABLE_NAME: z.string().min(3),
  SIGNING_KEY_IDS: z.string().min(1),
  // Only the areas that use a secret are told where it is (and may read it).
  ONECARD_TOPUP_WEBHOOK_SECRET_ARN: z.string().min(1).optional(),
  ONECARD_RESIDENT_ID_PEPPER_ARN: z.string().min(1).optional(),
  ONECARD_LOGIN_KEY_ARN: z.string().min(1).optional(),
  ONECARD_PSEUDONYM_KEY_ARN: z.string().min(1).optional(),
  /** The full audit's state machine: the admin function starts audits by hand. */
  LEDGER_AUDIT_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The allowance run's state machine: the admin function starts runs by hand. */
  ALLOWANCE_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The bucket settlement reports go to (the areas that write reports). */
  REPORTS_BUCKET: z.string().min(3).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

/** What a Lambda function needs from its environment: names and ARNs only, never a secret's value. */
export function cloudEnv(env: Record<string, string | undefined>) {
  return parseEnv(CloudEnv, env);
}

export function localConfig(overrides: Partial<RuntimeConfig> & Pick<RuntimeConfig, 'adminToken'>): RuntimeConfig {
  return {
    stage: 'local',
    issuer: 'https://onecard.local',
    ...limitsFromEnv({}, 'local'),
    ...overrides,
  };
}
