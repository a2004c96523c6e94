import { resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');
/** The browser apps, as their sources live (web/<app>) and where the build leaves them (never committed). */
export const WEB_APPS = ['wallet', 'ops'] as const;
export type WebApp = (typeof WEB_APPS)[number];
export const webOutDir = (app: WebApp) => resolve(ROOT, 'node_modules/.cache/onecard/web', app);
/** Where each app is served: the wallet at /app/ (its PWA scope), the operations console at /ops/. */
export const WEB_BASE: Record<WebApp, string> = { wallet: '/app/', ops: '/ops/' };

/**
 * Builds one app with Vite (minified, hashed file names, the typed client and i18next bundled in):
 * what `npm start` serves and the cloud's bucket holds. A second or so for the wallet.
 */
export async function buildWebApp(app: WebApp, outDir = webOutDir(app)): Promise<string> {
  await build({
    configFile: false,
    root: resolve(ROOT, 'web', app),
    base: WEB_BASE[app],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  return outDir;
}
