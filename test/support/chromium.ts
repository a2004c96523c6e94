import { serve } from '@hono/node-server';
import { chromiumPath } from '../../infra/web/chromium';

export { launchChromium } from '../../infra/web/chromium';

/** Chromium's path, or undefined (a test skips; CI must have it: .ci/run installs it with apt). */
export function browserOrSkip(testFile: string): string | undefined {
  const executablePath = chromiumPath();
  if (!executablePath) {
    if (process.env.CI) throw new Error('CI must have chromium: .ci/run installs it with apt');
    console.warn(`${testFile} skipped: no chromium on this machine (apt-get install -y chromium)`);
  }
  return executablePath;
}

/** Serves `fetch` on a loopback port for a browser: its base URL and how to stop it. */
export function serveOnLoopback(fetch: (req: Request) => Response | Promise<Response>) {
  return new Promise<{ base: string; close: () => void }>((ok) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      ok({ base: `http://127.0.0.1:${info.port}`, close: () => server.close() });
    });
  });
}
