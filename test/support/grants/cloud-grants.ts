import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AREAS, JOBS } from '../../../infra/areas';
import { buildStacks } from '../../../infra/stacks';

/**
 * One statement a role is allowed, read from the synthesized template: its actions, the resources it
 * names (by what they are: `table`, `index/gsi1`, `signing-key`, `secret/loginKey`,
 * `reports/settlement`, `machine/ledger-audit`, `sms`, or `other`), and its leading keys if any.
 */
export interface Grant {
  actions: string[];
  resources: string[];
  leadingKeys?: string[];
}

/** Each function's grants, by the name of what it runs: an area (`citizen`) or a job (`job settlement`). */
export type RoleGrants = Record<string, Grant[]>;

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string[]>>;
  Principal?: unknown;
};

const LABELS: [RegExp, string | ((m: RegExpMatchArray) => string)][] = [
  [/\/index\/(gsi\d+)/, (m) => `index/${m[1]}`],
  [/\/export\//, 'table-export'],
  [/Main[0-9A-F]{8}Arn|MainTableArn/, 'table'],
  [/SigningKey/, 'signing-key'],
  [/TopupWebhookSecret/, 'secret/topupWebhook'],
  [/ResidentIdPepper/, 'secret/residentIdPepper'],
  [/LoginKey/, 'secret/loginKey'],
  [/PseudonymKey/, 'secret/pseudonymKey'],
  [/ReportsBucketArn.*\/(\w+)\/\*/, (m) => `reports/${m[1]}`],
  [/LedgerAuditStateMachine/, 'machine/ledger-audit'],
  [/AllowanceRunStateMachine/, 'machine/allowance-run'],
];

/** What a template resource reference names, by the logical ids and exports in it. */
export function resourceLabel(resource: unknown): string {
  const text = JSON.stringify(resource);
  for (const [pattern, label] of LABELS) {
    const m = text.match(pattern);
    if (m) return typeof label === 'string' ? label : label(m);
  }
  return 'other';
}

function grantOf(st: Statement): Grant {
  const resources = st.NotResource
    ? // sns:Publish denied on every topic: phone numbers only (SMS).
      ['sms']
    : [st.Resource ?? []].flat().map(resourceLabel);
  const leading = st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
  return { actions: [st.Action].flat(), resources, ...(leading ? { leadingKeys: leading } : {}) };
}

/**
 * Synthesizes the stacks as `cdk synth` does (without bundling) and reads, for each area's and job's
 * function, the statements its role is allowed: its own policies and, for the signer role, the
 * signing keys' policies in the data stack.
 */
export function cloudGrants(): RoleGrants {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildStacks(app, {
    stage: 'grants',
    env: { account: '123456789012', region: 'cn-north-1' },
    issuer: 'https://grants.test',
  });
  const api = Template.fromStack(stacks.api).toJSON().Resources as Record<string, Resource>;
  const data = Template.fromStack(stacks.data).toJSON().Resources as Record<string, Resource>;
  const ofType = (resources: Record<string, Resource>, type: string) =>
    Object.entries(resources).filter(([, r]) => r.Type === type);
  const policies = ofType(api, 'AWS::IAM::Policy').map(([, p]) => p.Properties);
  const keyStatements = ofType(data, 'AWS::KMS::Key').flatMap(
    ([, k]) => (k.Properties.KeyPolicy as { Statement: Statement[] }).Statement,
  );
  const grants: RoleGrants = {};
  for (const def of [...AREAS, ...JOBS]) {
    const construct = `${pascal(def.name)}${'routes' in def ? 'Area' : 'Job'}`;
    const fn = ofType(api, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${construct}Fn`))!;
    const roleRef = JSON.stringify(fn[1].Properties.Role);
    const roleId = /"Fn::GetAtt":\["([^"]+)"/.exec(roleRef)?.[1];
    // The imported signer role (its ARN from the data stack): named CredentialSignerRole in it.
    const isSigner = !roleId && roleRef.includes('CredentialSignerRole');
    const own = policies
      .filter((p) => {
        const roles = JSON.stringify(p.Roles);
        return roleId ? roles.includes(`"${roleId}"`) : isSigner && roles.includes('CredentialSignerRole');
      })
      .flatMap((p) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
    // A key policy's `*` is the key itself.
    const byKeys = isSigner
      ? keyStatements
          .filter((st) => st.Effect === 'Allow' && JSON.stringify(st.Principal).includes('CredentialSignerRole'))
          .map((st) => ({ ...st, Resource: 'SigningKey' }))
      : [];
    grants['routes' in def ? def.name : `job ${def.name}`] = [...own, ...byKeys]
      .filter((st) => st.Effect === 'Allow')
      .map(grantOf);
  }
  return grants;
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase());
