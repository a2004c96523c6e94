import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { MAIN_TABLE, type TableDefinition } from './tables';

/** Ten years and a leap day or three: reports and the access log of them (docs/operations.md, retention). */
const REPORT_RETENTION_DAYS = 3653;

/**
 * The stateful half: the ledger table, the credential signing keys and the webhook secret.
 * Deployed apart from the API so the API can be replaced freely; everything here is retained.
 */
export class DataStack extends Stack {
  readonly table: TableV2;
  /** Three signing keys, so previous, current and next (published before it signs) are always distinct. */
  readonly signingKeys: Key[];
  readonly topupWebhookSecret: Secret;
  readonly residentIdPepper: Secret;
  readonly loginKey: Secret;
  readonly pseudonymKey: Secret;
  /** Settlement reports (CSV) for operators and payees' finance teams: private, encrypted, kept. */
  readonly reports: Bucket;
  get reportsArnExport() {
    return `${this.stackName}-ReportsBucketArn`;
  }
  /** The table's ARN under a name of our own: the audit's grants on its exports name it. */
  get tableArnExport() {
    return `${this.stackName}-MainTableArn`;
  }
  /** The only principal the signing keys let sign: the citizen area's function (tokens and credentials). */
  readonly signerRole: Role;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = tableFrom(this, MAIN_TABLE);
    // Here, beside the keys, so that their policies can name it without the data stack depending on the API.
    this.signerRole = new Role(this, 'CredentialSignerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'The citizen area function: signs access tokens and device credentials',
    });
    this.signingKeys = ['SigningKeyA', 'SigningKeyB', 'SigningKeyC'].map((keyId) => this.signingKey(keyId));
    this.topupWebhookSecret = this.keptSecret(
      'TopupWebhookSecret',
      'HMAC secret shared with the top-up provider',
      'Shared with the top-up provider, who must change it at the same moment: rotated by hand with the provider (runbook in docs/operations.md), not on a schedule.',
    );
    // Losing the pepper would orphan every card's resident-id uniqueness record: retained like the table.
    this.residentIdPepper = this.keptSecret(
      'ResidentIdPepper',
      'Key of the resident id number hashes',
      'The key of every stored resident id hash: rotating it would orphan them all (one id, one card; eligibility matching). It is never rotated, only read at run time by the functions that hash.',
    );
    // Phone numbers are kept only as hashes under it: losing it orphans every citizen's login.
    this.loginKey = this.keptSecret(
      'LoginKey',
      'Key of the phone number hashes and the login code hashes',
      'The key of every stored phone number hash (a citizen finds their account by it): rotating it would orphan every login. It is never rotated, only read at run time by the citizen function.',
    );
    // Every pseudonym of the unlinkable credentials is derived under it, per operator and fare day.
    this.pseudonymKey = this.keptSecret(
      'PseudonymKey',
      'Key the unlinkable credentials’ pseudonyms are derived under',
      'The key every pseudonymous credential’s pseudonym and sealed card id are derived under, per operator and fare day: rotating it breaks the credentials issued for today and tomorrow, so it is rotated by hand between fare days (runbook in docs/operations.md), not on a schedule.',
    );
    this.reports = this.reportsBucket();
    // Exported under a name of our own: the API stack grants against it, and cdk-nag names the grant by it.
    new CfnOutput(this, 'ReportsBucketArn', { value: this.reports.bucketArn, exportName: this.reportsArnExport });
    new CfnOutput(this, 'MainTableArn', { value: this.table.tableArn, exportName: this.tableArnExport });
  }

  /** A signing key (ES256) only the signer role may use, whatever IAM policies say. */
  private signingKey(keyId: string) {
    const key = new Key(this, keyId, {
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      description: 'OneCard credential and token signing (ES256)',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Whatever IAM policies say, only the signer role signs: a key that signs credentials every
    // terminal trusts must not be usable by an operator's or another function's role.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheSignerSigns',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.signerRole.roleArn } },
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'TheSignerSigns',
        principals: [this.signerRole],
        actions: ['kms:Sign', 'kms:GetPublicKey'],
        resources: ['*'],
      }),
    );
    return key;
  }

  /** A generated secret kept with the data (retained), and why it is not rotated on a schedule. */
  private keptSecret(id: string, description: string, whyNotRotated: string) {
    const secret = new Secret(this, id, {
      description,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: whyNotRotated });
    return secret;
  }

  /**
   * Settlement and allowance reports: payout files, kept as financial records (ten years, the
   * accounting archives rule for statements and reconciliations), every read and write in a server
   * access log kept as long.
   */
  private reportsBucket() {
    const retention = Duration.days(REPORT_RETENTION_DAYS);
    const accessLogs = new Bucket(this, 'ReportsAccessLogs', {
      // Server access logging writes only with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: retention }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'It is the reports bucket’s access log: logging its own writes would log forever.',
    });
    return new Bucket(this, 'Reports', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [
        {
          // Read in the weeks after a run; afterwards kept for an inquiry or an audit.
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
          expiration: retention,
          noncurrentVersionExpiration: retention,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function tableFrom(scope: Construct, def: TableDefinition): TableV2 {
  const table = new TableV2(scope, def.logicalId, {
    partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
    sortKey: { name: def.sortKey, type: AttributeType.STRING },
    billing: Billing.onDemand(),
    encryption: TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    timeToLiveAttribute: def.timeToLiveAttribute,
  });
  for (const index of def.globalIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
    });
  }
  return table;
}
