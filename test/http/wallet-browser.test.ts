import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSim } from '../../infra/sim/cli';
import { buildWebApp } from '../../infra/web/build';
import { withWeb } from '../../infra/web/serve';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET, useTestBackend } from '../support/backend';
import { browserOrSkip, launchChromium, serveOnLoopback } from '../support/chromium';
import { residentId } from '../support/citizen';

const executablePath = browserOrSkip('wallet-browser.test.ts');
const { backend } = useTestBackend();
const dir = mkdtempSync(join(tmpdir(), 'onecard-wallet-'));
let base = '';
let close = () => {};
beforeAll(async () => {
  const [wallet, ops] = await Promise.all([
    buildWebApp('wallet', join(dir, 'wallet')),
    buildWebApp('ops', join(dir, 'ops')),
  ]);
  const front = withWeb((req) => backend().app.fetch(req), {
    apps: { wallet, ops },
    webhookSecret: TEST_WEBHOOK_SECRET,
  });
  ({ base, close } = await serveOnLoopback(front.fetch));
}, 60_000);
afterAll(() => {
  close();
  rmSync(dir, { recursive: true, force: true });
});

/** The terminal simulator, in-process against the served stack, as `npm run sim` runs it. */
async function sim(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSim([...args, '--url', base, '--state', join(dir, 'sim.json')], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ONECARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
  });
  if (code !== 0) throw new Error(`sim ${args[0]}: ${err.join('\n')}`);
  return out.join('\n');
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(!executablePath)(
  'the citizen wallet (/app) and the operations console (/ops) in headless Chromium',
  () => {
    it('logs in, opens a card, tops up on the provider’s page, shows the code a validator taps, and shows the ride', async () => {
      const browser = await launchChromium(executablePath!);
      try {
        const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
        const requested: string[] = [];
        page.on('request', (req) => requested.push(req.url()));
        const failures: string[] = [];
        page.on('pageerror', (err) => failures.push(err.message));

        // Sign in by SMS code: the local stage shows it.
        await page.goto(`${base}/app/`);
        await page.getByLabel('手机号').fill('13900012345');
        await page.getByRole('button', { name: '获取验证码' }).click();
        const note = await page.getByTestId('otp-note').filter({ hasText: /\d{6}/ }).textContent();
        await page.getByLabel('验证码').fill(/(\d{6})/.exec(note ?? '')![1]!);
        await page.getByRole('button', { name: '登录' }).click();

        // Open the card.
        await page.getByLabel('姓名').fill('李雷');
        await page.getByLabel('居民身份证号码').fill(residentId('1990-05-17'));
        await page.getByLabel('出生日期').fill('1990-05-17');
        await page.getByRole('button', { name: '开卡' }).click();
        await expect.poll(() => page.getByTestId('balance').textContent()).toBe('0.00 元');

        // Top up 50 yuan on the (fake, local) provider's page, which signs the webhook and comes back.
        await page.getByRole('button', { name: '充值' }).click();
        await page.getByLabel('充值金额（元）').fill('50');
        await page.getByRole('button', { name: '去支付' }).click();
        await page.getByRole('button', { name: '支付 · Pay' }).click();
        await expect.poll(() => page.getByTestId('balance').textContent()).toBe('50.00 元');
        const home = await page.evaluate(`${axeSource};axe.run(document, { resultTypes: ['violations'] })`);

        // The phone registers its own WebCrypto key and shows the code for the bus validator.
        await sim(['register-terminal', '--terminal', 'bus', '--kind', 'transit-terminal', '--routes', 'B1']);
        const busId = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).terminals.bus.clientId as string;
        await page.getByRole('button', { name: '乘车码' }).click();
        await page.getByLabel('终端编号（扫描终端获得）').fill(busId);
        await page.getByLabel('终端编号（扫描终端获得）').dispatchEvent('change');
        await expect
          .poll(async () => (await page.getByTestId('qr-content').textContent()) ?? '')
          .toContain('"challenge":"qr"');
        await expect
          .poll(async () => {
            const shown = JSON.parse((await page.getByTestId('qr-content').textContent()) ?? '{}');
            return JSON.parse(Buffer.from(String(shown.proof).split('.')[1]!, 'base64url').toString()).tid;
          })
          .toBe(busId);
        expect(await page.locator('.qr svg').count()).toBe(1);
        const code = await page.getByTestId('qr-content').textContent();
        const tap = JSON.parse(
          await sim(['tap', '--terminal', 'bus', '--route', 'B1', '--stop', 'B1-S1', '--qr', code!]),
        );
        expect(tap).toMatchObject({ status: 'accepted', fareFen: 200 });

        // The wallet shows the ride with how its fare was set, and the balance after it.
        await page.getByRole('button', { name: '返回' }).click();
        await expect.poll(() => page.getByTestId('balance').textContent()).toBe('48.00 元');
        // A water bill looked up and paid from the card.
        await page.getByRole('button', { name: '生活缴费' }).click();
        await page.getByLabel('户号').fill('W-0001');
        await page.getByRole('button', { name: '查询' }).click();
        await page.getByRole('button', { name: '缴费', exact: true }).click();
        await expect.poll(() => page.getByRole('status').textContent()).toMatch(/缴费成功/);
        await page.getByRole('button', { name: '返回' }).click();
        await expect.poll(() => page.getByTestId('balance').textContent()).toBe('2.40 元');
        // The statement's receipts verified by the phone itself: signatures, links, balances, the head.
        await page.getByRole('button', { name: '账单' }).click();
        await expect.poll(() => page.getByTestId('receipts').textContent()).toMatch(/收据链已验证/);
        await page.getByRole('button', { name: '返回' }).click();
        await page.getByRole('button', { name: '行程' }).click();
        const journey = page.getByTestId('journey').first();
        await expect.poll(() => journey.textContent()).toContain('B1');
        expect(await journey.textContent()).toContain('2.00');
        expect(await journey.textContent()).toMatch(/计价说明: .+/);

        // A validator whose operator turned the unlinkable credential on shows its scope: the phone
        // fetches that operator's credential of the day with a key made for it, and the tap is priced
        // on the card with nothing in the answer that follows the rider (no balance).
        await sim(['register-terminal', '--terminal', 'bus2', '--kind', 'transit-terminal', '--routes', 'B1']);
        await sim(['credential-versions', '--terminal', 'bus2', '--versions', '1,2']);
        const bus2Id = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).terminals.bus2.clientId as string;
        await page.getByRole('button', { name: '返回' }).click();
        await page.getByRole('button', { name: '乘车码' }).click();
        await page.getByLabel('终端编号（扫描终端获得）').fill(bus2Id);
        await page.getByLabel('终端编号（扫描终端获得）').dispatchEvent('change');
        await page.getByLabel(/^运营方/).fill('op:bus-co');
        await page.getByLabel(/^运营方/).dispatchEvent('change');
        const typOf = (shown: string) =>
          JSON.parse(Buffer.from(String(JSON.parse(shown || '{}').credential).split('.')[0]!, 'base64url').toString())
            .typ;
        await expect
          .poll(async () => typOf((await page.getByTestId('qr-content').textContent()) ?? ''))
          .toBe('onecard-credential-v2+jwt');
        const unlinkable = await page.getByTestId('qr-content').textContent();
        const tap2 = JSON.parse(
          await sim(['tap', '--terminal', 'bus2', '--route', 'B1', '--stop', 'B1-S2', '--qr', unlinkable!]),
        );
        expect(tap2).toMatchObject({ status: 'accepted', balanceFen: null });
        await page.getByRole('button', { name: '返回' }).click();
        await page.getByRole('button', { name: '行程' }).click();

        // English on the switch.
        await page.getByRole('button', { name: 'English' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Journeys' }).count()).toBe(1);

        // The operator's console: the taps in the day's figures and chart, a settlement run, its CSV.
        const ops = await (await browser.newContext({ acceptDownloads: true })).newPage();
        ops.on('request', (req) => requested.push(req.url()));
        ops.on('pageerror', (err) => failures.push(err.message));
        await ops.goto(`${base}/ops/`);
        await ops.getByLabel('运营令牌 · Operator token').fill(TEST_ADMIN_TOKEN);
        await ops.getByRole('button', { name: '进入 · Enter' }).click();
        await expect.poll(() => ops.locator('.chart').getAttribute('data-taps')).toBe('2');
        expect(await ops.locator('.chart canvas').count()).toBeGreaterThan(0);
        expect(await ops.getByTestId('figures').textContent()).toContain('50.00');
        const day = await ops.evaluate(`${axeSource};axe.run(document, { resultTypes: ['violations'] })`);
        await ops.getByRole('link', { name: '结算 · Settlement' }).click();
        await ops.getByRole('button', { name: '结算 · Settle' }).click();
        await expect.poll(() => ops.getByTestId('run').textContent()).toMatch(/payees/);
        const [download] = await Promise.all([
          ops.waitForEvent('download'),
          ops.getByRole('button', { name: '下载 CSV · Download CSV' }).click(),
        ]);
        const csv = readFileSync((await download.path())!, 'utf8');
        expect(csv.split('\r\n')[0]).toMatch(/^payeeKind,payeeId,salesFen/);
        // Both rides' fares to the bus operator (the second, unlinkable one, priced on the same card).
        expect(csv).toContain(`transit-operator,bus-co,${200 + tap2.fareFen},`);
        // The month's allowance (nobody due in this city yet), and the audit log of the operator's writes.
        await ops.getByRole('link', { name: '津贴 · Allowance' }).click();
        await ops.getByRole('button', { name: '发放 · Run' }).click();
        await expect.poll(() => ops.getByTestId('allowance-run').textContent()).toMatch(/: done, 0 paid/);
        await ops.getByRole('link', { name: '日志 · Audit' }).click();
        await expect.poll(() => ops.locator('table').textContent()).toContain('/v1/admin/settlement-runs');
        expect(await ops.locator('table').textContent()).toContain('/v1/admin/allowance-runs');
        const audit = await ops.evaluate(`${axeSource};axe.run(document, { resultTypes: ['violations'] })`);

        const serious = (result: unknown) =>
          (result as { violations: { impact: string; id: string }[] }).violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => v.id);
        expect(serious(home)).toEqual([]);
        expect(serious(day)).toEqual([]);
        expect(serious(audit)).toEqual([]);
        expect(serious(await page.evaluate(`${axeSource};axe.run(document, { resultTypes: ['violations'] })`))).toEqual(
          [],
        );
        expect(failures).toEqual([]);
        expect(requested.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 90_000);
  },
);
