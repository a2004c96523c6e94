import { KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { campaignsLoader } from '../shared/campaigns/store';
import { cityConfigLoader } from '../shared/city/store';
import { fareTables } from '../shared/fares/store';
import { KeyRing } from '../shared/keys/keyring';
import { KmsKeyMaterial } from '../shared/keys/kms-material';
import type { LogLevel } from '../shared/log/logger';
import { createLogger } from '../shared/log/logger';
import { documentClient, dynamoClient } from '../shared/store/store';
import { DEFAULT_LIMITS, type RuntimeConfig } from './config';
import type { AppDeps } from './deps';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The cloud composition root: called once at module scope by each Lambda handler. */
export function cloudDeps(service: string): AppDeps {
  const config: RuntimeConfig = {
    stage: 'cloud',
    issuer: required('ONECARD_ISSUER'),
    // Operators authenticate with IAM (SigV4) at API Gateway in the cloud; no shared token exists there.
    adminToken: '',
    topupWebhookSecret: process.env.ONECARD_TOPUP_WEBHOOK_SECRET ?? '',
    residentIdPepper: process.env.ONECARD_RESIDENT_ID_PEPPER ?? '',
    otp: {
      perPhonePerMinute: Number(process.env.ONECARD_OTP_PER_PHONE_PER_MINUTE ?? 3),
      perAddressPerMinute: Number(process.env.ONECARD_OTP_PER_ADDRESS_PER_MINUTE ?? 60),
      tokenPerAddressPerMinute: Number(process.env.ONECARD_TOKEN_PER_ADDRESS_PER_MINUTE ?? 60),
    },
    limits: DEFAULT_LIMITS,
  };
  const store = { doc: documentClient(dynamoClient()), tableName: required('TABLE_NAME') };
  const clock = () => new Date();
  const sns = new SNSClient({});
  return {
    store,
    clock,
    logger: createLogger(service, (process.env.LOG_LEVEL as LogLevel) ?? 'info'),
    config,
    keyRing: new KeyRing(store, new KmsKeyMaterial(new KMSClient({}), required('SIGNING_KEY_IDS').split(',')), clock),
    city: cityConfigLoader(store, clock),
    fares: fareTables(store, clock),
    campaigns: campaignsLoader(store, clock),
    sms: async (phone, text) => {
      await sns.send(new PublishCommand({ PhoneNumber: `+86${phone}`, Message: text }));
    },
  };
}
