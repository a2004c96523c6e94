/**
 * `npm run bench -- web`: each browser app's size (gzipped, as CloudFront sends it) and its first load
 * in headless Chromium on a throttled profile (Fast 3G: 1.6 Mb/s down, 750 kb/s up, 150 ms round
 * trips; the CPU 4x slower), against a bare HTML page served the same way in the same run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { buildWebApp, WEB_APPS, WEB_BASE, type WebApp } from '../infra/web/build';
import { chromiumPath, launchChromium } from '../infra/web/chromium';
import { withWeb } from '../infra/web/serve';
import { serveOnAPort } from './serve';

const FAST_3G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
const RUNS = 5;
/** What the page shows once it is usable: the wallet's sign-in, the console's token field, the bare page's text. */
const READY: Record<WebApp | 'bare', string> = { wallet: '#phone', ops: '#token', bare: '#ready' };

const gzipped = (dir: string, ext: string) =>
  readdirSync(join(dir, 'assets'))
    .filter((f) => f.endsWith(ext))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, 'assets', f))).length, 0);

async function firstLoadMs(browser: Browser, url: string, ready: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const started = Date.now();
    await page.goto(url);
    await page.locator(ready).waitFor();
    times.push(Date.now() - started);
    await context.close();
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export async function benchWeb(): Promise<string> {
  const executablePath = chromiumPath();
  if (!executablePath) return '(web: no chromium on this machine: apt-get install -y chromium)\n';
  const dirs = Object.fromEntries(
    await Promise.all(WEB_APPS.map(async (app) => [app, await buildWebApp(app)] as const)),
  );
  const api = new Hono();
  api.get('/bare', (c) => c.html('<!doctype html><html lang="en"><title>bare</title><p id="ready">ready</p></html>'));
  const front = withWeb(api.fetch, { apps: dirs, webhookSecret: 'bench' });
  const browser = await launchChromium(executablePath);
  try {
    return await serveOnAPort(front, async (base) => {
      const bare = await firstLoadMs(browser, `${base}/bare`, READY.bare);
      const rows = [];
      for (const app of WEB_APPS) {
        const ms = await firstLoadMs(browser, `${base}${WEB_BASE[app]}`, READY[app]);
        const js = gzipped(dirs[app]!, '.js');
        const css = gzipped(dirs[app]!, '.css');
        rows.push(
          `| ${app} | ${(js / 1024).toFixed(1)} KB | ${(css / 1024).toFixed(1)} KB | ${ms} ms | ${(ms / bare).toFixed(2)}x |`,
        );
      }
      return [
        '## The browser apps (`npm run bench -- web`)\n',
        `First load on Fast 3G with a 4x slower CPU, median of ${RUNS}, against a bare page (${bare} ms) in the same run:\n`,
        '| app | script, gzipped | CSS, gzipped | first load | against the bare page |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n');
    });
  } finally {
    await browser.close();
  }
}
