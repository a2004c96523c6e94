import { describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import { allowanceFen } from '../../../shared/benefits/allowance-rules';
import type { Group } from '../../../shared/eligibility/model';
import { recordProblem } from '../../../shared/eligibility/records';

const rules = readSeeds('seeds').allowance;
const FIRST = '2026-12-01';

describe('the reference allowance rules', () => {
  it.each([
    // birth date, group, amount on 2026-12-01
    ['1946-12-02', 'dibao', null], // 79: the birthday falls on the 2nd
    ['1946-12-01', 'dibao', 5000], // 80 on the 1st
    ['1946-12-01', 'wubao', 5000],
    ['1946-12-01', 'youfu', 5000],
    ['1946-12-01', 'none', null],
    ['1937-01-01', 'dibao', 5000], // 89
    ['1936-12-01', 'dibao', 10_000], // 90
    ['1927-06-01', 'youfu', 10_000], // 99
    ['1936-12-01', 'none', null],
    ['1926-12-02', 'none', null], // 99 until the 2nd
    ['1926-12-01', 'none', 30_000], // 100 on the 1st
    ['1926-12-01', 'dibao', 30_000],
    ['1920-01-01', 'wubao', 30_000],
  ] as const)('born %s, group %s: %s fen', (birthDate, group, amount) => {
    expect(allowanceFen(rules, birthDate, group as Group, FIRST)).toBe(amount);
  });
});

describe('an uploaded record', () => {
  const good = {
    recordId: 'r1',
    idNumber: '11010519491231002X',
    program: 'senior-allowance',
    group: 'dibao',
    validFrom: '2026-01-01',
    validTo: null,
    status: 'active',
  };
  it.each([
    [{}, null],
    [{ idNumber: '110105194912310021' }, 'idNumber'],
    [{ idNumber: '11010519491331002X' }, 'idNumber'],
    [{ program: 'pension' }, 'program'],
    [{ group: 'vip' }, 'group'],
    [{ validFrom: '2026-13-01' }, 'validFrom'],
    [{ validTo: '2025-12-31' }, 'validTo'],
    [{ status: 'paused' }, 'status'],
  ])('%o: %s', (change, path) => {
    expect(recordProblem({ ...good, ...change })?.path ?? null).toBe(path);
  });
});
