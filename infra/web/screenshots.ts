/**
 * `npm run screenshots`: the README's pictures of the wallet and the operations console, taken in
 * Debian's headless Chromium against a fresh in-memory stack with the seed city: a citizen signs in,
 * opens a card, tops up on the fake provider's page, shows the ride code and rides; the operator's
 * day and a settlement run. Writes docs/screenshots/*.png.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { createLogger } from '../../shared/log/logger';
import { machineHeaders, registerMachine } from '../client/actors';
import { oneCardClient } from '../client/client';
import { residentIdNumber } from '../client/signing';
import { startLocalBackend } from '../local-backend';
import { buildWebApp } from './build';
import { chromiumPath, launchChromium } from './chromium';
import { withWeb } from './serve';

const OUT = resolve(import.meta.dirname, '../../docs/screenshots');
const adminToken = `shots-${randomUUID()}`;
const topupWebhookSecret = `shots-${randomUUID()}`;
const executablePath = chromiumPath();
if (!executablePath) throw new Error('no chromium: apt-get install -y chromium');

const backend = await startLocalBackend({
  dataDir: ':memory:',
  seedsDir: resolve(import.meta.dirname, '../../seeds'),
  adminToken,
  topupWebhookSecret,
  logger: createLogger('screenshots', 'silent'),
});
const [wallet, ops] = await Promise.all([buildWebApp('wallet'), buildWebApp('ops')]);
const front = withWeb(backend.app.fetch, { apps: { wallet, ops }, webhookSecret: topupWebhookSecret });
const server = await new Promise<{ base: string; close: () => void }>((ok) => {
  const s = serve({ fetch: front.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
    ok({ base: `http://127.0.0.1:${info.port}`, close: () => s.close() }),
  );
});
const browser = await launchChromium(executablePath);
mkdirSync(OUT, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });

/** The code the wallet shows, once its proof names this terminal (it is redrawn when the id changes). */
async function codeFor(page: Page, terminalId: string) {
  for (let tries = 0; tries < 50; tries++) {
    const shown = JSON.parse((await page.getByTestId('qr-content').textContent()) || '{}');
    const proof = typeof shown.proof === 'string' ? shown.proof.split('.')[1] : undefined;
    if (proof && JSON.parse(Buffer.from(proof, 'base64url').toString()).tid === terminalId) return shown;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the wallet never showed a code for the terminal');
}

try {
  const phone = await (
    await browser.newContext({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 1 })
  ).newPage();
  await phone.goto(`${server.base}/app/`);
  await phone.getByLabel('手机号').fill('13912345678');
  await phone.getByRole('button', { name: '获取验证码' }).click();
  const note = await phone.getByTestId('otp-note').filter({ hasText: /\d{6}/ }).textContent();
  await phone.getByLabel('验证码').fill(/(\d{6})/.exec(note ?? '')![1]!);
  await phone.getByRole('button', { name: '登录' }).click();
  await phone.getByLabel('姓名').fill('李雷');
  await phone.getByLabel('居民身份证号码').fill(residentIdNumber('1990-05-17', 101));
  await phone.getByLabel('出生日期').fill('1990-05-17');
  await phone.getByRole('button', { name: '开卡' }).click();
  await phone.getByRole('button', { name: '充值' }).click();
  await phone.getByLabel('充值金额（元）').fill('100');
  await phone.getByRole('button', { name: '去支付' }).click();
  await shot(phone, 'provider');
  await phone.getByRole('button', { name: '支付 · Pay' }).click();
  await phone.getByTestId('balance').filter({ hasText: '100.00' }).waitFor();

  const api = oneCardClient(server.base);
  const bus = await registerMachine(api, adminToken, {
    kind: 'transit-terminal',
    name: 'bus B1',
    scope: { routeIds: ['B1'] },
  });
  await phone.getByRole('button', { name: '乘车码' }).click();
  await phone.getByLabel('终端编号（扫描终端获得）').fill(bus.clientId);
  await phone.getByLabel('终端编号（扫描终端获得）').dispatchEvent('change');
  const shown = await codeFor(phone, bus.clientId);
  await shot(phone, 'wallet-code');
  await api.POST('/v1/transit/taps', {
    body: {
      tapId: randomUUID(),
      routeId: 'B1',
      stopId: 'B1-S1',
      kind: 'board',
      at: new Date().toISOString(),
      ...shown,
    },
    headers: await machineHeaders(bus),
  });
  await phone.getByRole('button', { name: '返回' }).click();
  await phone.getByTestId('balance').filter({ hasText: '98.00' }).waitFor();
  await shot(phone, 'wallet-home');
  await phone.getByRole('button', { name: '行程' }).click();
  await phone.getByTestId('journey').first().waitFor();
  await shot(phone, 'wallet-journeys');

  const desk = await (
    await browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 })
  ).newPage();
  await desk.goto(`${server.base}/ops/`);
  await desk.getByLabel('运营令牌 · Operator token').fill(adminToken);
  await desk.getByRole('button', { name: '进入 · Enter' }).click();
  await desk.locator('.chart canvas').first().waitFor();
  await shot(desk, 'ops-day');
  await desk.getByRole('link', { name: '结算 · Settlement' }).click();
  await desk.getByRole('button', { name: '结算 · Settle' }).click();
  await desk.getByTestId('run').waitFor();
  await shot(desk, 'ops-settlement');
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  server.close();
  await backend.stop();
}
