import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { TableAccess } from './areas';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/**
 * Grants what a function does with the table and no more: read-only where it only reads, and only the
 * partitions it touches where those can be named (dynamodb:LeadingKeys: the table's partition key,
 * or for a query on an index the index's). Transactions are authorized item by item through these
 * same actions. A Scan names no partition: it is granted on its own, only to those that scan.
 */
export function grantTable(table: TableV2, grantee: IGrantable, access: TableAccess): void {
  const actions = access.access === 'read' ? READ : [...READ, ...WRITE];
  // The table and the indexes it queries, by name: no `index/*` wildcard.
  const resources = [table.tableArn, ...access.indexes.map((name) => `${table.tableArn}/index/${name}`)];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources,
      ...(access.leadingKeys
        ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.leadingKeys } } }
        : {}),
    }),
  );
  if (access.scan) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Scan'], resources: [table.tableArn] }),
    );
  }
}

/** Public keys for those that publish or rotate them; signing is named in the keys' own policies (data stack). */
export function grantKeys(keys: Key[], grantee: IGrantable, use: 'sign' | 'public-key' | 'none'): void {
  if (use === 'none') return;
  for (const key of keys)
    key.grant(grantee, ...(use === 'sign' ? ['kms:Sign', 'kms:GetPublicKey'] : ['kms:GetPublicKey']));
}
