import { JOBS } from '../../../infra/areas';
import type { AccessRecord } from './access-records';
import type { Grant, RoleGrants } from './cloud-grants';

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Whether one statement allows what a request asked. */
export function allows(grant: Grant, access: AccessRecord): boolean {
  if (!grant.actions.some((a) => glob(a).test(access.action))) return false;
  if (!grant.resources.includes(access.resource)) return false;
  if (!grant.leadingKeys) return true;
  const key = access.leadingKey;
  return key !== null && grant.leadingKeys.some((p) => glob(p).test(key));
}

/** What an operator route's shell does (its Idempotency-Key, the audit log, the hand-off, the download), and a job does not. */
const OPERATOR_SHELL = /^(IDEM|AUDIT)#/;
const OPERATOR_ONLY = new Set(['states:StartExecution', 's3:GetObject']);

/**
 * The roles that must allow an access: its area's, and the role of each job that does the same work
 * as the request's route (infra/areas.ts `sameWorkAs`), for the work itself.
 */
export function rolesOf(access: AccessRecord): string[] {
  const shell = OPERATOR_SHELL.test(access.leadingKey ?? '') || OPERATOR_ONLY.has(access.action);
  const jobs = shell ? [] : JOBS.filter((j) => j.sameWorkAs?.includes(access.request));
  return [access.area, ...jobs.map((j) => `job ${j.name}`)];
}

/** Each distinct access a role asked for that the synthesized template does not allow it, named with the request. */
export function refusals(grants: RoleGrants, accesses: AccessRecord[]): string[] {
  const out = new Set<string>();
  for (const access of accesses) {
    for (const role of rolesOf(access)) {
      if (!(grants[role] ?? []).some((g) => allows(g, access))) {
        const what = `${access.action} on ${access.resource}${access.leadingKey ? ` (${access.leadingKey})` : ''}`;
        out.add(`${role} (${access.request}): ${what} is not granted`);
      }
    }
  }
  return [...out];
}

/** A partition key reduced to its family (`CARD#c_1` to `CARD#*`): what a grant's patterns name. */
export const keyFamily = (key: string | null) => (key === null || !key.includes('#') ? key : `${key.split('#')[0]}#*`);

/**
 * One thing a role is granted, as the unused-grant check counts it: an action on a resource, or for
 * the table a level of access (read, write), a resource (the table, an index) and each leading key.
 */
export function grantUnits(grants: RoleGrants): string[] {
  const units = new Set<string>();
  for (const [role, list] of Object.entries(grants)) {
    for (const grant of list) {
      const table = grant.actions.every((a) => a.startsWith('dynamodb:'));
      if (!table) {
        for (const action of grant.actions)
          for (const resource of grant.resources) units.add(`${role} ${action} ${resource}`);
        continue;
      }
      for (const level of new Set(grant.actions.map(levelOf))) units.add(`${role} dynamodb:${level}`);
      for (const resource of grant.resources) units.add(`${role} dynamodb ${resource}`);
      for (const key of grant.leadingKeys ?? []) units.add(`${role} dynamodb key ${key}`);
    }
  }
  return [...units];
}

const READS = /^dynamodb:(GetItem|BatchGetItem|Query|ConditionCheckItem|Scan)$/;
const levelOf = (action: string) => (READS.test(action) ? 'read' : 'write');

/** The units an access uses, for each role that asked it (its area's, the jobs doing the same work). */
export function unitsUsed(grants: RoleGrants, access: AccessRecord): string[] {
  return rolesOf(access).flatMap((role) => {
    const list = grants[role] ?? [];
    if (!access.action.startsWith('dynamodb:')) return [`${role} ${access.action} ${access.resource}`];
    const keys = list.flatMap((g) => (allows(g, access) ? (g.leadingKeys ?? []) : []));
    const key = access.leadingKey ?? '';
    return [
      `${role} dynamodb:${levelOf(access.action)}`,
      `${role} dynamodb ${access.resource}`,
      ...keys.filter((p) => glob(p).test(key)).map((p) => `${role} dynamodb key ${p}`),
    ];
  });
}
