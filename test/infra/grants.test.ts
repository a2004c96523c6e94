import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../support/grants/access-records';
import { grantUnits, refusals, unitsUsed } from '../support/grants/check';
import { cloudGrants, type RoleGrants } from '../support/grants/cloud-grants';

let grants: RoleGrants;
beforeAll(() => {
  // Prepare: every role's grants, read from the stacks as `cdk synth` builds them.
  grants = cloudGrants();
});

const asked = (area: string, request: string, action: string, resource: string, leadingKey: string | null = null) =>
  ({ area, route: request, request, action, resource, leadingKey }) satisfies AccessRecord;

describe('the permission check (each request’s AWS calls against its role in the template)', () => {
  it('refuses a Scan: the reconciliation scanned the table with no role granted it', () => {
    // The accesses the old GET /v1/admin/reconciliation made, as the recorder saw them.
    const reconciliation = [asked('admin', 'GET /v1/admin/reconciliation', 'dynamodb:Scan', 'table')];
    expect(refusals(grants, reconciliation)).toEqual([
      'admin (GET /v1/admin/reconciliation): dynamodb:Scan on table is not granted',
    ]);
  });

  it('allows each area its own partitions, secrets, keys and reports, and nothing of another’s', () => {
    const allowed = [
      asked('terminal', 'POST /v1/transit/taps', 'dynamodb:PutItem', 'table', 'XFER#t_1'),
      asked('citizen', 'POST /v1/auth/otp', 'secretsmanager:GetSecretValue', 'secret/loginKey'),
      asked('citizen', 'POST /v1/me/credentials', 'kms:Sign', 'signing-key'),
      asked('admin', 'POST /v1/admin/settlement-runs', 's3:PutObject', 'reports/settlement'),
      asked('admin', 'POST /v1/admin/reconciliation/audits', 'states:StartExecution', 'machine/ledger-audit'),
      asked('biller', 'GET /v1/biller/payments', 'dynamodb:Query', 'index/gsi2', 'BILLERPAY#b_1'),
    ];
    expect(refusals(grants, allowed)).toEqual([]);
    const refused = [
      asked('terminal', 'POST /v1/transit/taps', 'dynamodb:PutItem', 'table', 'BILL#b_1'),
      asked('citizen', 'POST /v1/auth/otp', 'secretsmanager:GetSecretValue', 'secret/topupWebhook'),
      asked('admin', 'POST /v1/admin/keys/rotate', 'kms:Sign', 'signing-key'),
      asked('merchant', 'GET /v1/merchant/settlements', 'dynamodb:Query', 'index/gsi3', 'ACTIVE#2026'),
      asked('webhooks', 'POST /v1/webhooks/topups', 'dynamodb:Query', 'index/gsi1', 'ACCT#c_1'),
    ];
    for (const access of refused) expect(refusals(grants, [access]), JSON.stringify(access)).not.toEqual([]);
  });

  it('checks an operator route that does a job’s work against the job’s role too, but not its shell', () => {
    const run = 'POST /v1/admin/settlement-runs';
    // The settlement job may not write a citizen's login: the route doing its work may not either.
    expect(refusals(grants, [asked('admin', run, 'dynamodb:PutItem', 'table', 'CIT#c_1')])).toEqual([
      `job settlement (${run}): dynamodb:PutItem on table (CIT#c_1) is not granted`,
    ]);
    // The operator's Idempotency-Key is the route's own, not the job's.
    expect(refusals(grants, [asked('admin', run, 'dynamodb:PutItem', 'table', 'IDEM#op#k')])).toEqual([]);
  });

  it('counts a grant no access used as unused', () => {
    const units = grantUnits(grants);
    expect(units).toContain('webhooks secretsmanager:GetSecretValue secret/topupWebhook');
    expect(units).toContain('terminal dynamodb key DENY');
    const used = new Set(
      unitsUsed(grants, asked('terminal', 'GET /v1/terminal/deny-list', 'dynamodb:Query', 'table', 'DENY')),
    );
    expect(used).toEqual(new Set(['terminal dynamodb:read', 'terminal dynamodb table', 'terminal dynamodb key DENY']));
    expect(units.filter((u) => u.startsWith('terminal dynamodb key') && !used.has(u)).length).toBeGreaterThan(0);
  });
});
