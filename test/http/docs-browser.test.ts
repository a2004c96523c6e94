import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
import { browserOrSkip, launchChromium, serveOnLoopback } from '../support/chromium';

const executablePath = browserOrSkip('docs-browser.test.ts');

const { backend } = useTestBackend();
let base = '';
let close = () => {};
beforeAll(async () => {
  ({ base, close } = await serveOnLoopback((req) => backend().app.fetch(req)));
});
afterAll(() => close());

describe.skipIf(!executablePath)('/docs in headless Chromium', () => {
  it('renders routes, a schema and field descriptions, and asks nothing of any other host', async () => {
    const browser = await launchChromium(executablePath!);
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (req) => requested.push(req.url()));
      const failures: string[] = [];
      page.on('pageerror', (err) => failures.push(err.message));

      await page.goto(`${base}/docs`);
      await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
      const paths = await page.locator('.opblock-summary-path').allTextContents();
      expect(paths.map((p) => p.replace(/\u200b/g, ''))).toContain('/v1/transit/taps');

      // A schema: the Schemas section lists Tap; expanding it shows its fields with their descriptions.
      const model = page
        .locator('.models article[data-json-schema-level="0"]')
        .filter({ has: page.locator('.json-schema-2020-12__title', { hasText: /^Tap$/ }) });
      await model.locator('.json-schema-2020-12-expand-deep-button').first().click();
      await expect.poll(() => model.textContent(), { timeout: 10_000 }).toContain('tapId');
      expect(await model.textContent()).toContain('Made by the terminal');

      // An operation opened: its description and its security (the lock) are shown.
      await page.locator('#operations-terminal-reportTap .opblock-summary').click();
      await page.waitForSelector('#operations-terminal-reportTap .opblock-description-wrapper');
      expect(await page.locator('#operations-terminal-reportTap').textContent()).toMatch(/declined/i);
      expect(await page.locator('#operations-terminal-reportTap .authorization__btn').count()).toBeGreaterThan(0);

      // Its example body is a tap, not "string": a real route, a kind, a credential of JWS shape.
      const opened = page.locator('#operations-terminal-reportTap');
      expect(await opened.textContent()).toContain('"kind": "board"');
      expect(await opened.textContent()).toContain('"credential": "eyJ');

      // The search box: filtering by a tag leaves that tag's operations only.
      await page.fill('.operation-filter-input', 'operator');
      await expect.poll(() => page.locator('#operations-terminal-reportTap').count(), { timeout: 10_000 }).toBe(0);
      expect(await page.locator('.opblock-tag-section').count()).toBe(1);

      expect(failures).toEqual([]);
      expect(requested.length).toBeGreaterThan(3);
      expect(requested.filter((url) => !url.startsWith(`${base}/`) && !url.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
