// `npm run screenshots`: renders the demo in light and dark, inline and floating, idle and in conversation
// (against the simulator), and saves PNGs under docs/ for the README.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, ensureChrome } from './find-chrome.mjs';
import { startDemoServer } from '../demo/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = path.join(root, 'docs');
mkdirSync(docs, { recursive: true });

const demo = await startDemoServer({ port: 0, apiKey: '', log: () => undefined, simulatorOptions: { voice: 'tone' } });
const browser = await chromium.launch({
  executablePath: ensureChrome(),
  args: [...CHROME_ARGS],
});

async function shoot({ name, page: pagePath, scheme, converse, open }) {
  const context = await browser.newContext({
    colorScheme: scheme,
    viewport: { width: 900, height: 760 },
    deviceScaleFactor: 1,
    permissions: ['microphone'],
  });
  const page = await context.newPage();
  await page.goto(`${demo.url}${pagePath}`);
  await page.waitForFunction(() => customElements.get('gemini-live'));
  if (open) {
    await page.locator('gemini-live').locator('[part~="launcher"]').click();
  }
  if (converse) {
    const element = page.locator('gemini-live').first();
    await element.locator('[part~="toggle"]').click();
    await page.waitForFunction(() => ['listening', 'speaking'].includes(document.querySelector('gemini-live')?.getAttribute('state') ?? ''), null, {
      timeout: 20_000,
    });
    await element.locator('[part~="text-input"]').fill('Hello! What can you do?');
    await element.locator('[part~="send"]').click();
    await page.waitForFunction(
      () => (document.querySelector('gemini-live')?.transcript ?? []).some((turn) => turn.role === 'model' && turn.final),
      null,
      { timeout: 20_000 },
    );
    await page.waitForTimeout(600);
  }
  const file = path.join(docs, `${name}.png`);
  await page.screenshot({ path: file });
  if (converse) await page.evaluate(() => document.querySelector('gemini-live')?.stop());
  await context.close();
  console.log(`saved ${path.relative(root, file)}`);
}

try {
  for (const scheme of ['light', 'dark']) {
    await shoot({ name: `inline-idle-${scheme}`, page: '/demo/index.html', scheme });
    await shoot({ name: `inline-conversation-${scheme}`, page: '/demo/index.html', scheme, converse: true });
    await shoot({ name: `floating-idle-${scheme}`, page: '/demo/floating.html', scheme });
    await shoot({ name: `floating-conversation-${scheme}`, page: '/demo/floating.html', scheme, open: true, converse: true });
  }
  await shoot({ name: 'styled-light', page: '/demo/styling.html', scheme: 'light' });
} finally {
  await browser.close();
  await demo.close();
}
