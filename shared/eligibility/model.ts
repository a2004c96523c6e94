import { z } from 'zod';
import { attributes, isMap } from '../store/attributes';
import { type ItemKind, itemKind } from '../store/items';

/** What agencies vouch for: the senior living allowance, and the student and disabled concessions. */
export const PROGRAMS = ['senior-allowance', 'student', 'disabled'] as const;
export type Program = (typeof PROGRAMS)[number];
/** The allowance's special groups: minimum living guarantee, five guarantees, key entitled groups; or none. */
export const GROUPS = ['dibao', 'wubao', 'youfu', 'none'] as const;
export type Group = (typeof GROUPS)[number];
export const RECORD_STATUSES = ['active', 'ended', 'deceased'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export const MAX_RECORDS_PER_UPLOAD = 500;

/**
 * A record as an agency sends it. Fields are checked one record at a time (a bad record gets its own
 * error and stores nothing; the others are stored), so they are loosely typed here.
 */
export const UploadedRecordSchema = z.strictObject({
  recordId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, '1 to 64 of A-Z a-z 0-9 _ . : -')
    .describe('The agency’s own id for the record: an upload upserts by it'),
  idNumber: z
    .string()
    .max(32)
    .describe(
      'The 18-character resident id: 17 digits and a check character (ISO 7064 MOD 11-2, 0-9 or X); kept only as a keyed hash',
    ),
  program: z.string().max(64).describe('senior-allowance, student or disabled (within the agency’s scope)'),
  group: z.string().max(32).describe('dibao, wubao, youfu or none'),
  validFrom: z.string().max(32).describe('YYYY-MM-DD: in force from this day'),
  validTo: z.string().max(32).nullable().describe('YYYY-MM-DD: in force to this day, or null'),
  status: z.string().max(32).describe('active, ended or deceased'),
});
export type UploadedRecord = z.infer<typeof UploadedRecordSchema>;

/** A record as it is kept: the id number only as its keyed hash (and masked, for the agency's reports). */
export interface EligibilityRecord {
  agencyId: string;
  recordId: string;
  residentIdHash: string;
  residentIdMasked: string;
  birthDate: string;
  program: Program;
  group: Group;
  validFrom: string;
  validTo: string | null;
  status: RecordStatus;
  updatedAt: string;
}

/** A record as read back from its item (the program's list, the record's own item). */
export const ELIGIBILITY_RECORD: ItemKind<EligibilityRecord> = itemKind(
  'eligibility record',
  z.object({
    agencyId: z.string(),
    recordId: z.string(),
    residentIdHash: z.string(),
    residentIdMasked: z.string(),
    birthDate: z.string(),
    program: z.enum(PROGRAMS),
    group: z.enum(GROUPS),
    validFrom: z.string(),
    validTo: z.string().nullable(),
    status: z.enum(RECORD_STATUSES),
    updatedAt: z.string(),
  }),
);

/** A concession an agency's record grants a card: kept on the card, priced only on a verified identity. */
export interface Grant {
  program: 'student' | 'disabled';
  validFrom: string;
  validTo: string | null;
  status: RecordStatus;
  /** The record it came from (`<agencyId>/<recordId>`): a record that moves takes back only its own grant. */
  source?: string;
}

const GRANT_PROGRAMS = ['student', 'disabled'] as const;

/** A grant as a card keeps it, read back. */
export function grantOf(value: unknown, what: string): Grant {
  const a = attributes(isMap(value) ? value : {}, what);
  const source = a.optStr('source');
  return {
    program: a.oneOf('program', GRANT_PROGRAMS),
    validFrom: a.str('validFrom'),
    validTo: a.has('validTo') ? a.str('validTo') : null,
    status: a.oneOf('status', RECORD_STATUSES),
    ...(source === undefined ? {} : { source }),
  };
}
