import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`), if this machine has it; nothing here downloads a browser. */
export function chromiumPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

/** Headless, as root: no sandbox, and no background traffic of Chromium's own; a fresh profile each time. */
export const launchChromium = (executablePath: string) =>
  chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
