import { ForbiddenError } from '../errors';
import type { Store } from '../store/store';
import {
  type EligibilityRecord,
  GROUPS,
  type Group,
  PROGRAMS,
  type Program,
  RECORD_STATUSES,
  type RecordStatus,
  type UploadedRecord,
} from './model';
import { putRecord } from './record-grants';
import { maskResidentId, residentIdHash, residentIdProblem } from './resident-id';

export interface RecordResult {
  recordId: string;
  status: 'stored' | 'error';
  error?: { path: string; message: string };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (d: string) => DATE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));

type RecordProblem = { path: string; message: string };
/** An uploaded record's words, each known. */
type Checked = { program: Program; group: Group; status: RecordStatus; birthDate: string };

/** What is wrong with one uploaded record, naming the field; null when it can be stored. */
export function recordProblem(r: UploadedRecord): RecordProblem | null {
  const checked = checkRecord(r);
  return 'path' in checked ? checked : null;
}

/** One uploaded record, checked field by field: the first problem, or its words known. */
function checkRecord(r: UploadedRecord): RecordProblem | Checked {
  if (!/^\d{17}[\dX]$/.test(r.idNumber)) return { path: 'idNumber', message: 'must be 17 digits and a digit or X' };
  const birthDate = `${r.idNumber.slice(6, 10)}-${r.idNumber.slice(10, 12)}-${r.idNumber.slice(12, 14)}`;
  if (!isDate(birthDate)) return { path: 'idNumber', message: 'the birth date in the number is not a date' };
  const idProblem = residentIdProblem(r.idNumber, birthDate);
  if (idProblem) return { path: 'idNumber', message: idProblem };
  const program = PROGRAMS.find((p) => p === r.program);
  if (!program) return { path: 'program', message: `unknown program ${r.program}` };
  const group = GROUPS.find((g) => g === r.group);
  if (!group) return { path: 'group', message: `unknown group ${r.group}` };
  if (!isDate(r.validFrom)) return { path: 'validFrom', message: 'a date YYYY-MM-DD' };
  if (r.validTo !== null && !isDate(r.validTo)) return { path: 'validTo', message: 'a date YYYY-MM-DD, or null' };
  if (r.validTo !== null && r.validTo < r.validFrom) return { path: 'validTo', message: 'before validFrom' };
  const status = RECORD_STATUSES.find((st) => st === r.status);
  if (!status) return { path: 'status', message: `unknown status ${r.status}` };
  return { program, group, status, birthDate };
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
  const outside = records.find((r) => {
    const program = PROGRAMS.find((p) => p === r.program);
    return program !== undefined && !agency.programs.includes(program);
  });
  if (outside) {
    throw new ForbiddenError(`This agency may not upload ${outside.program} records`, { programs: agency.programs });
  }
  const results: RecordResult[] = [];
  for (const r of records) {
    const checked = checkRecord(r);
    if ('path' in checked) {
      results.push({ recordId: r.recordId, status: 'error', error: checked });
      continue;
    }
    const record: EligibilityRecord = {
      agencyId: agency.clientId,
      recordId: r.recordId,
      residentIdHash: residentIdHash(r.idNumber, pepper),
      residentIdMasked: maskResidentId(r.idNumber),
      birthDate: checked.birthDate,
      program: checked.program,
      group: checked.group,
      validFrom: r.validFrom,
      validTo: r.validTo,
      status: checked.status,
      updatedAt: now.toISOString(),
    };
    await putRecord(store, record);
    results.push({ recordId: r.recordId, status: 'stored' });
  }
  return results;
}
