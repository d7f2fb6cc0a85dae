// `npm run screenshots`: renders the demo in light and dark, inline and floating, idle and in conversation
// (against the simulator), the settings, typing only, the terms, and a left-to-right and a right-to-left language, and saves
// PNGs under docs/ for the README.
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

async function shoot({ name, page: pagePath, scheme, converse, open, terms, settings, message = 'Hello! What can you do?' }) {
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
  if (terms) {
    const element = page.locator('gemini-live').first();
    await element.locator('[part~="toggle"]').click();
    await element.locator('[part~="terms-accept"]').waitFor();
  }
  if (converse) {
    const element = page.locator('gemini-live').first();
    await element.locator('[part~="toggle"]').click();
    await page.waitForFunction(() => ['listening', 'speaking'].includes(document.querySelector('gemini-live')?.getAttribute('state') ?? ''), null, {
      timeout: 20_000,
    });
    await element.locator('[part~="text-input"]').fill(message);
    await element.locator('[part~="send"]').click();
    await page.waitForFunction(
      () => (document.querySelector('gemini-live')?.transcript ?? []).some((turn) => turn.role === 'model' && turn.final),
      null,
      { timeout: 20_000 },
    );
    await page.waitForTimeout(600);
  }
  if (settings) {
    const element = page.locator('gemini-live').first();
    await element.locator('[part~="settings"]').click();
    await element.locator('[part~="volume"]').waitFor();
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
  await shoot({ name: 'settings-light', page: '/demo/index.html', scheme: 'light', converse: true, settings: true });
  await shoot({ name: 'typing-light', page: '/demo/typing.html', scheme: 'light', converse: true });
  await shoot({ name: 'consent-light', page: '/demo/consent.html', scheme: 'light', terms: true });
  await shoot({ name: 'languages-ltr-light', page: '/demo/languages.html?language=ja', scheme: 'light', converse: true, message: 'こんにちは。何ができますか？' });
  await shoot({ name: 'languages-rtl-light', page: '/demo/languages.html?language=ar', scheme: 'light', converse: true, message: 'مرحبًا! ماذا يمكنك أن تفعل؟' });
} finally {
  await browser.close();
  await demo.close();
}
