import base from './web-test-runner.config.mjs';
let last = Date.now();
const timing = {
  reportTestFileResults({ sessionsForTestFile }) {
    const now = Date.now();
    for (const s of sessionsForTestFile) console.error(`TIMING ${((now - last) / 1000).toFixed(1)}s ${s.testFile} ${s.browser.name}`);
    last = now;
  },
};
export default { ...base, reporters: [...base.reporters, timing] };
