/** Settings every area reads, resolved once by the composition root (Lambda handler or local stack). */
export interface RuntimeConfig {
  stage: 'local' | 'cloud';
  /** `iss` of every token we sign, and what we pin when we verify them. */
  issuer: string;
  adminToken: string;
  topupWebhookSecret: string;
  /** Keys the hash of resident id numbers (we never store them whole). */
  residentIdPepper: string;
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

export function localConfig(
  overrides: Partial<RuntimeConfig> & Pick<RuntimeConfig, 'adminToken' | 'topupWebhookSecret'>,
): RuntimeConfig {
  return {
    stage: 'local',
    issuer: 'https://onecard.local',
    residentIdPepper: 'onecard-local-resident-id-pepper',
    otp: { perPhonePerMinute: 5, perAddressPerMinute: 120, tokenPerAddressPerMinute: 120 },
    limits: DEFAULT_LIMITS,
    ...overrides,
  };
}
