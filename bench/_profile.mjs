import { chromium } from 'playwright-core';
import { CHROME_ARGS } from '/work/wt-perf/scripts/find-chrome.mjs';
const { startDemoServer } = await import('/work/wt-perf/demo/server.mjs');
const demo = await startDemoServer({ port: 0, apiKey: '', build: false, log: () => undefined, simulatorOptions: { voice: false, connectionLifetimeMs: 0 } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROME_ARGS] });
const page = await browser.newPage();
await page.goto(`${demo.url}/demo/index.html`);
await page.evaluate(async () => { await customElements.whenDefined('gemini-live'); const el = document.querySelector('gemini-live'); await el.start(); while (el.state !== 'listening') await new Promise(r => setTimeout(r, 20)); });
const mode = process.argv[2] ?? 'speaking';
if (mode !== 'listening') {
  const pieces = Array.from({ length: 100 }, (_, i) => ` word${i} and more`);
  await demo.simulator.control.turn({ audioSeconds: 20, outputTranscript: pieces });
  if (mode === 'muted') await page.evaluate(() => (document.querySelector('gemini-live').muted = true));
}
await new Promise(r => setTimeout(r, 1500));
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await new Promise(r => setTimeout(r, 6000));
const { profile } = await cdp.send('Profiler.stop');
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas; const total = (profile.endTime - profile.startTime) / 1000;
profile.samples.forEach((id, i) => { const n = byId.get(id); const f = n.callFrame; const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`; self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000); });
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 35);
console.log(`mode ${mode}, profile ${total.toFixed(0)} ms`);
for (const [k, v] of rows) console.log(`${(v / total * 1000).toFixed(2).padStart(8)} ms/s  ${k}`);
await browser.close(); await demo.close();
