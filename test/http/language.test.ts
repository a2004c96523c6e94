import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const clock = testClock(new Date());
const { app } = useTestBackend({ clock });
const HAN = /[\u4e00-\u9fff]/;
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
let bus: Terminal;

beforeAll(async () => {
  bus = await registerTerminal(app, ['B1']);
});

describe('a caller who reads Chinese', () => {
  it('reads errors in Chinese, zod’s field messages too, with the same code, status and fields', async () => {
    const bad = { phone: '1' };
    const zh = await app.request('/v1/auth/token', jsonRequest('POST', bad, ZH));
    const en = await app.request('/v1/auth/token', jsonRequest('POST', bad));
    expect([zh.status, en.status]).toEqual([400, 400]);
    const [zhError, enError] = [(await body(zh)).error, (await body(en)).error];
    expect(zhError.code).toBe('VALIDATION_FAILED');
    expect(zhError.message).toMatch(HAN);
    expect(enError.message).not.toMatch(HAN);
    const paths = (e: { details: { issues: { path: string; message: string }[] } }) =>
      e.details.issues.map((i) => i.path);
    expect(paths(zhError)).toEqual(paths(enError));
    for (const issue of zhError.details.issues) expect(issue.message).toMatch(HAN);
  });

  it('reads a refusal of the rules in Chinese and the same refusal in English without the header', async () => {
    const r = await rider(app, { balanceFen: 0, now: clock() });
    const pay = (headers: Record<string, string>) =>
      app.request(
        '/v1/me/bill-payments',
        jsonRequest(
          'POST',
          { billId: 'bill_none', amountFen: 100 },
          {
            ...r.auth,
            'idempotency-key': `lang-${Object.keys(headers).length}-${Date.now()}`,
            ...headers,
          },
        ),
      );
    const [zh, en] = [await pay(ZH), await pay({})];
    expect(zh.status).toBe(en.status);
    const [zhError, enError] = [(await body(zh)).error, (await body(en)).error];
    expect(zhError.code).toBe(enError.code);
    expect(zhError.message).toMatch(HAN);
    expect(enError.message).not.toMatch(HAN);
  });

  it('reads the statement and a ride’s fare explanation in Chinese; the English reader reads them as written', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const tap = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
    expect((await postTap(app, bus, tap, { now: clock() })).status).toBe(200);
    const read = async (path: string, headers: Record<string, string>) =>
      body(await app.request(path, { headers: { ...r.auth, ...headers } }));
    const [zhStatement, enStatement] = [await read('/v1/me/statement', ZH), await read('/v1/me/statement', {})];
    expect(zhStatement.items.map((e: { description: string }) => e.description)).toEqual(['乘车扣费', '在线充值']);
    expect(enStatement.items[0].description).not.toMatch(HAN);
    // Only the words change: amounts, kinds, references and balances are the same entries, and the
    // receipts say the same (each signed anew, the same payload: the description as recorded).
    const figures = (p: { items: object[] }) =>
      p.items.map(({ description: _d, receipt, ...rest }: { description?: string; receipt?: string }) => ({
        ...rest,
        receipt: receipt?.split('.')[1],
      }));
    expect(figures(zhStatement)).toEqual(figures(enStatement));
    const [zhJourneys, enJourneys] = [await read('/v1/me/journeys', ZH), await read('/v1/me/journeys', {})];
    const zhRules = zhJourneys.items[0].explanation;
    expect(zhRules.map((x: { text: string }) => x.text)).toEqual(
      enJourneys.items[0].explanation.map(() => expect.stringMatching(HAN)),
    );
    expect(zhRules.map((x: { rule: string }) => x.rule)).toEqual(
      enJourneys.items[0].explanation.map((x: { rule: string }) => x.rule),
    );
  });
});
