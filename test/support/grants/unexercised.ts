/**
 * Grants no local test can use, each with why. Keys are grant units as check.ts names them
 * (`<role> <action> <resource>`, `<role> dynamodb key <pattern>`, ...), `*` matching anything.
 */
export const UNEXERCISED: Record<string, string> = {
  '* logs:*': 'Lambda writes the function’s own log lines into its log group: no code of ours asks.',
  '* xray:*': 'Active tracing: Lambda and the SDK send the trace segments, no code of ours asks.',
  'job * sqs:*':
    'Lambda delivers a job’s asynchronous invocation that failed every retry to its on-failure queue; the jobs run in the cloud only.',
  'citizen sns:Publish sms':
    'The local stack answers a login code as devCode instead of sending the SMS (functions/citizen/auth-routes.ts).',
  'citizen kms:GetPublicKey signing-key':
    'On a fresh deployment the first function to find the key ring empty creates it, reading the keys’ public halves (shared/keys/keyring.ts); the tests’ key rings are made at start-up.',
  '* dynamodb key RATE#*':
    'A machine client’s request counter is written once every 10 of its requests (shared/ratelimit/batched-window.ts): some areas’ tests make fewer in a window.',
};

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** The reason a unit is granted though no test uses it, if one is given (under `pattern` only, if named). */
export function unexercisedReason(unit: string, pattern?: string): string | undefined {
  const keys = pattern ? [pattern] : Object.keys(UNEXERCISED);
  const hit = keys.find((k) => glob(k).test(unit));
  return hit === undefined ? undefined : UNEXERCISED[hit];
}
