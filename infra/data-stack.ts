import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { MAIN_TABLE, type TableDefinition } from './tables';

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

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = tableFrom(this, MAIN_TABLE);
    this.signingKeys = ['SigningKeyA', 'SigningKeyB', 'SigningKeyC'].map(
      (keyId) =>
        new Key(this, keyId, {
          keySpec: KeySpec.ECC_NIST_P256,
          keyUsage: KeyUsage.SIGN_VERIFY,
          description: 'OneCard credential and token signing (ES256)',
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
    this.topupWebhookSecret = new Secret(this, 'TopupWebhookSecret', {
      description: 'HMAC secret shared with the top-up provider',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Losing the pepper would orphan every card's resident-id uniqueness record: retained like the table.
    this.residentIdPepper = new Secret(this, 'ResidentIdPepper', {
      description: 'Key of the resident id number hashes',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
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
    });
  }
  return table;
}
