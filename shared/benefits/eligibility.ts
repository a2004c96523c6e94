import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { maskResidentId, residentIdHash, residentIdProblem } from '../cards/resident-id';
import { ForbiddenError, RetryLaterError } from '../errors';
import { changeWalletItem, walletItemSet } from '../ledger/wallet-head';
import { cancellationCodes, isCancelled } from '../store/conditions';
import { eligibilityKey, eligibilityProgramKey, residentIdKey, residentRecordsIndex } from '../store/keys';
import type { Store } from '../store/store';
import {
  type EligibilityRecord,
  GROUPS,
  type Grant,
  type Group,
  PROGRAMS,
  type Program,
  RECORD_STATUSES,
  type RecordStatus,
  type UploadedRecord,
} from './model';

export interface RecordResult {
  recordId: string;
  status: 'stored' | 'error';
  error?: { path: string; message: string };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (d: string) => DATE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));

/** What is wrong with one uploaded record, naming the field; null when it can be stored. */
export function recordProblem(r: UploadedRecord): { path: string; message: string } | null {
  if (!/^\d{17}[\dX]$/.test(r.idNumber)) return { path: 'idNumber', message: 'must be 17 digits and a digit or X' };
  const embedded = `${r.idNumber.slice(6, 10)}-${r.idNumber.slice(10, 12)}-${r.idNumber.slice(12, 14)}`;
  if (!isDate(embedded)) return { path: 'idNumber', message: 'the birth date in the number is not a date' };
  const idProblem = residentIdProblem(r.idNumber, embedded);
  if (idProblem) return { path: 'idNumber', message: idProblem };
  if (!PROGRAMS.includes(r.program as Program)) return { path: 'program', message: `unknown program ${r.program}` };
  if (!GROUPS.includes(r.group as Group)) return { path: 'group', message: `unknown group ${r.group}` };
  if (!isDate(r.validFrom)) return { path: 'validFrom', message: 'a date YYYY-MM-DD' };
  if (r.validTo !== null && !isDate(r.validTo)) return { path: 'validTo', message: 'a date YYYY-MM-DD, or null' };
  if (r.validTo !== null && r.validTo < r.validFrom) return { path: 'validTo', message: 'before validFrom' };
  if (!RECORD_STATUSES.includes(r.status as RecordStatus))
    return { path: 'status', message: `unknown status ${r.status}` };
  return null;
}

/**
 * An agency's batch of eligibility records, upserted by the agency's own record id, one record at a
 * time: a bad record answers its error and stores nothing, the others are stored. A program outside
 * the agency's scope refuses the whole batch (403) before anything is stored. Id numbers are kept only
 * as the keyed hash the cards use (and masked); a student or disabled record reaches the card at once
 * if it exists, or when it is opened.
 */
export async function storeEligibility(
  store: Store,
  agency: { clientId: string; programs: Program[] },
  records: UploadedRecord[],
  pepper: string,
  now: Date,
): Promise<RecordResult[]> {
  const outside = records.find(
    (r) => PROGRAMS.includes(r.program as Program) && !agency.programs.includes(r.program as Program),
  );
  if (outside) {
    throw new ForbiddenError(`This agency may not upload ${outside.program} records`, { programs: agency.programs });
  }
  const results: RecordResult[] = [];
  for (const r of records) {
    const problem = recordProblem(r);
    if (problem) {
      results.push({ recordId: r.recordId, status: 'error', error: problem });
      continue;
    }
    const record: EligibilityRecord = {
      agencyId: agency.clientId,
      recordId: r.recordId,
      residentIdHash: residentIdHash(r.idNumber, pepper),
      residentIdMasked: maskResidentId(r.idNumber),
      birthDate: `${r.idNumber.slice(6, 10)}-${r.idNumber.slice(10, 12)}-${r.idNumber.slice(12, 14)}`,
      program: r.program as Program,
      group: r.group as Group,
      validFrom: r.validFrom,
      validTo: r.validTo,
      status: r.status as RecordStatus,
      updatedAt: now.toISOString(),
    };
    const before = await putRecord(store, record);
    if (before && (before.program !== record.program || before.residentIdHash !== record.residentIdHash)) {
      await withdrawGrant(store, before);
    }
    await applyToCard(store, record);
    results.push({ recordId: r.recordId, status: 'stored' });
  }
  return results;
}

/** Uploads of one record racing each other: a few tries settle them. */
const MAX_PUT_ATTEMPTS = 5;

/**
 * Stores a record and its entry in its program's list, and answers the record as it was before. A
 * record that moved to another program leaves the old list in the same transaction (the allowance run
 * reads the senior list: a record moved out of it must not be paid), put only over the record as it
 * was read, so two uploads of one record cannot leave an entry behind.
 */
async function putRecord(store: Store, record: EligibilityRecord): Promise<EligibilityRecord | undefined> {
  const key = eligibilityKey(record.agencyId, record.recordId);
  for (let attempt = 0; attempt < MAX_PUT_ATTEMPTS; attempt++) {
    const { Item } = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }),
    );
    const before = Item as EligibilityRecord | undefined;
    const moved = before !== undefined && before.program !== record.program;
    try {
      await store.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: store.tableName,
                Item: {
                  ...key,
                  ...record,
                  // The holder's records, by the hash the card carries: how a card opened later finds them.
                  gsi1pk: residentRecordsIndex(record.residentIdHash),
                  gsi1sk: `${record.program}#${record.agencyId}#${record.recordId}`,
                },
                ...(before
                  ? {
                      ConditionExpression: '#program = :program AND #rid = :rid',
                      ExpressionAttributeNames: { '#program': 'program', '#rid': 'residentIdHash' },
                      ExpressionAttributeValues: { ':program': before.program, ':rid': before.residentIdHash },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
            {
              // The program's list of records: what the monthly allowance run reads.
              Put: {
                TableName: store.tableName,
                Item: { ...eligibilityProgramKey(record.program, record.agencyId, record.recordId), ...record },
              },
            },
            ...(moved
              ? [
                  {
                    Delete: {
                      TableName: store.tableName,
                      Key: eligibilityProgramKey(before.program, record.agencyId, record.recordId),
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return before;
    } catch (err) {
      // Another upload of the record came between the read and the write: read it again.
      if (!isCancelled(err)) throw err;
      const first = cancellationCodes(err)[0];
      if (first !== 'ConditionalCheckFailed' && first !== 'TransactionConflict') throw err;
    }
  }
  throw new RetryLaterError();
}

/** Where a card's grant came from: one agency's record. */
const sourceOf = (record: Pick<EligibilityRecord, 'agencyId' | 'recordId'>) => `${record.agencyId}/${record.recordId}`;

/**
 * A record that moved to another program or another holder takes back the grant it gave, if the
 * card's grant for that program is still this record's (another agency's record may have set it since).
 */
async function withdrawGrant(store: Store, before: EligibilityRecord) {
  if (before.program === 'senior-allowance') return;
  const cardId = await cardOfHash(store, before.residentIdHash);
  if (!cardId) return;
  await changeWalletItem(store, cardId, new Date(before.updatedAt), 'grant', (card) => {
    const grants = (card.grants as Record<string, Grant> | undefined) ?? {};
    const grant = grants[before.program];
    if (!grant || (grant.source !== undefined && grant.source !== sourceOf(before))) return null;
    const { [before.program]: _withdrawn, ...rest } = grants;
    return [walletItemSet(store.tableName, cardId, { grants: rest })];
  });
}

/** The card a resident id hash holds, if one was opened. */
async function cardOfHash(store: Store, ridHash: string): Promise<string | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: residentIdKey(ridHash), ConsistentRead: true }),
  );
  return Item?.cardId as string | undefined;
}

/**
 * A student or disabled record, as a grant on the card (the card's class is computed from it when a
 * tap is priced; the card's mark goes with it so no tap priced on the old class commits).
 */
async function applyToCard(store: Store, record: EligibilityRecord, cardId?: string) {
  if (record.program === 'senior-allowance') return;
  const target = cardId ?? (await cardOfHash(store, record.residentIdHash));
  if (!target) return;
  const grant: Grant = {
    program: record.program,
    validFrom: record.validFrom,
    validTo: record.validTo,
    status: record.status,
    source: sourceOf(record),
  };
  // Grants price the card's taps: set in order with its money (the card's mark goes with them).
  await changeWalletItem(store, target, new Date(record.updatedAt), 'grant', (card) => [
    walletItemSet(store.tableName, target, {
      grants: { ...(card.grants as Record<string, Grant> | undefined), [record.program]: grant },
    }),
  ]);
}

/** A card just opened takes the student and disabled records already uploaded for its holder. */
export async function applyRecordsToNewCard(store: Store, cardId: string, ridHash: string): Promise<void> {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': residentRecordsIndex(ridHash) },
      Limit: 100,
    }),
  );
  for (const item of page.Items ?? []) await applyToCard(store, item as EligibilityRecord, cardId);
}
