import type { Hono } from 'hono';
import { adminAuth, jsonRequest, login, residentId } from './citizen';
import { asMachine, registerMachine } from './gate';
import { body } from './http';

type App = Pick<Hono, 'request'>;

/** Birth dates of holders aged 100 and more all of 2026: 30000 fen each a month, whatever their group. */
export const CENTENARIAN_BIRTH_DATES = ['1920-02-03', '1921-04-05', '1922-06-07'];
export const CENTENARIAN_ALLOWANCE_FEN = 30_000;

/**
 * Holders with verified cards and active senior-allowance records (uploaded by a civil affairs agency
 * of their own), as the allowance runs find them.
 */
export async function eldersWithRecords(app: App, birthDates: string[], now: Date) {
  const civilAffairs = await registerMachine(app, 'agency', { programs: ['senior-allowance'] });
  const holders: { token: string; cardId: string; idNumber: string }[] = [];
  const records = [];
  for (const [i, birthDate] of birthDates.entries()) {
    const idNumber = residentId(birthDate);
    const who = await login(app);
    const auth = { authorization: `Bearer ${who.token}` };
    const card = await body(
      await app.request('/v1/me/card', jsonRequest('POST', { name: `Elder ${i}`, idNumber, birthDate }, auth)),
    );
    await app.request(
      `/v1/admin/cards/${card.cardId}/identity-verification`,
      jsonRequest('POST', { reference: 'street office' }, adminAuth),
    );
    holders.push({ token: who.token, cardId: card.cardId, idNumber });
    records.push({
      recordId: `elder-${i}`,
      idNumber,
      program: 'senior-allowance',
      group: 'none',
      validFrom: '2026-01-01',
      validTo: null,
      status: 'active',
    });
  }
  await asMachine(app, civilAffairs, 'PUT', '/v1/agency/eligibility', { records }, now);
  return holders;
}
