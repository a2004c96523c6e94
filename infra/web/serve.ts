import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { Hono } from 'hono';
import { WEB_APPS, WEB_BASE, type WebApp } from './build';

/**
 * What the browser apps may do: load their own files and call their own origin, nothing else. The
 * cloud's CloudFront distribution answers the same header.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
};
const WEB_HEADERS = {
  'content-security-policy': WEB_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** One built app's files under its base; the app's index for its base itself. Only files the build made. */
export function mountWebApp(app: Hono, web: WebApp, dir: string) {
  const base = WEB_BASE[web];
  app.get(base.slice(0, -1), (c) => c.redirect(base, 301));
  app.get(`${base}*`, async (c) => {
    const rest = c.req.path.slice(base.length) || 'index.html';
    const file = normalize(rest);
    if (file.startsWith('..') || file.includes('\0') || !TYPES[extname(file)]) return c.notFound();
    try {
      const body = await readFile(join(dir, file));
      // Hashed assets never change; the index and the manifest are read fresh.
      const cache = file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return c.body(body, 200, { ...WEB_HEADERS, 'content-type': TYPES[extname(file)]!, 'cache-control': cache });
    } catch {
      return c.notFound();
    }
  });
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/**
 * The local stage's stand-in for the payment provider's page: the wallet sends the citizen here
 * with a pending top-up; "Pay" or "Decline" makes the provider's signed webhook (with the stack's
 * own secret) and sends the citizen back to the wallet. Never part of the cloud's stacks.
 */
export function mountFakeProvider(
  app: Hono,
  deps: { webhookSecret: string; api: (req: Request) => Promise<Response> },
) {
  app.get('/dev/provider', (c) => {
    const topupId = c.req.query('topupId') ?? '';
    const amountFen = Number(c.req.query('amountFen'));
    const back = c.req.query('return') ?? '/app/';
    if (!/^top_[\w-]{1,64}$/.test(topupId) || !Number.isSafeInteger(amountFen) || amountFen < 1) {
      return c.text('topupId and amountFen, please', 400);
    }
    const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
    const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>模拟支付 · Fake provider</title></head>
<body style="font:20px system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem">
<h1>模拟支付 · Fake payment provider</h1>
<p>本地环境的支付页面（不会扣真实的钱） · The local stage's stand-in: no real money.</p>
<p>充值 · Top-up <strong>${(amountFen / 100).toFixed(2)}</strong> 元 · yuan</p>
<form method="post" action="/dev/provider">${hidden('topupId', topupId)}${hidden('amountFen', String(amountFen))}${hidden('return', back)}
<button name="status" value="succeeded" style="font-size:1.2rem;padding:.7rem 1.2rem">支付 · Pay</button>
<button name="status" value="failed" style="font-size:1.2rem;padding:.7rem 1.2rem">拒绝 · Decline</button>
</form></body></html>`;
    return c.html(html, 200, { 'content-security-policy': WEB_CSP });
  });
  app.post('/dev/provider', async (c) => {
    const form = await c.req.formData();
    const status = form.get('status') === 'failed' ? 'failed' : 'succeeded';
    const amountFen = Number(form.get('amountFen'));
    const event = JSON.stringify({
      topupId: String(form.get('topupId')),
      status,
      amountFen,
      providerRef: `fake-${Date.now()}`,
    });
    const t = Math.floor(Date.now() / 1000);
    const signature = `t=${t},v1=${createHmac('sha256', deps.webhookSecret).update(`${t}.${event}`).digest('hex')}`;
    const answer = await deps.api(
      new Request(new URL('/v1/webhooks/topups', c.req.url), {
        method: 'POST',
        body: event,
        headers: { 'content-type': 'application/json', 'onecard-signature': signature },
      }),
    );
    if (!answer.ok) return c.text(`the stack refused the webhook: ${answer.status} ${await answer.text()}`, 502);
    const back = String(form.get('return') ?? '');
    // Only back into the wallet: never an open redirect.
    return c.redirect(back.startsWith('/app/') ? back : '/app/', 303);
  });
}

/** The local stack's front: the built apps and the fake provider, then every API route. */
export function withWeb(
  api: (req: Request) => Response | Promise<Response>,
  options: { apps: Partial<Record<WebApp, string>>; webhookSecret: string },
) {
  const app = new Hono();
  for (const web of WEB_APPS) {
    const dir = options.apps[web];
    if (dir) mountWebApp(app, web, dir);
  }
  mountFakeProvider(app, { webhookSecret: options.webhookSecret, api: async (req) => api(req) });
  app.all('*', (c) => api(c.req.raw));
  return app;
}
