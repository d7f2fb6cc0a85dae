// A web-test-runner command that holds a key down and lets it go again, in every engine: @web/test-runner-commands'
// sendKeys does `down`/`up` through Puppeteer (Chromium, Firefox) but only `press`/`type` through WebDriver
// (WebKitGTK). Tests call it with `executeServerCommand('key', { down: ' ' })` and `{ up: ' ' }`.

// WebDriver names keys by code point; these are the ones the tests hold.
const WEBDRIVER_KEYS = { ' ': ' ', Space: ' ', Shift: '\uE008', Control: '\uE009', Alt: '\uE00A' };

export function keyPlugin() {
  return {
    name: 'key-command',
    async executeCommand({ command, payload, session }) {
      if (command !== 'key') return undefined;
      const { down, up } = payload ?? {};
      const key = down ?? up;
      if (typeof key !== 'string') throw new Error('key: give { down: key } or { up: key }');
      if (session.browser.type === 'puppeteer') {
        const page = session.browser.getPage(session.id);
        await (down !== undefined ? page.keyboard.down(key) : page.keyboard.up(key));
        return true;
      }
      if (session.browser.type === 'webdriver') {
        const value = WEBDRIVER_KEYS[key] ?? key;
        await session.browser.driverManager.performActions(session.id, [
          { type: 'key', id: 'keyboard', actions: [{ type: down !== undefined ? 'keyDown' : 'keyUp', value }] },
        ]);
        return true;
      }
      throw new Error(`key: not supported for ${session.browser.type}`);
    },
  };
}
