import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless (installed by .ci/run when missing: no browser download is possible
 * here), with the flags that keep it off the closed network on its own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
