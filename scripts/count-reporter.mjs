// A web-test-runner reporter that writes how many tests passed, failed and were skipped to a JSON file, so the
// test script can print one summary line for the browser and Node suites together, and the time each file's
// tests took, and each test.
import { writeFileSync } from 'node:fs';

function countSuite(suite, counts, timing, trail = []) {
  for (const test of suite.tests ?? []) {
    timing.ms += test.duration ?? 0;
    counts.tests.push([[...trail, test.name].join(' > '), test.duration ?? 0]);
    if (test.skipped) counts.skipped += 1;
    else if (test.passed) counts.passed += 1;
    else counts.failed += 1;
  }
  for (const child of suite.suites ?? []) countSuite(child, counts, timing, [...trail, child.name]);
}

export function countReporter({ file }) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, sessionErrors: 0, files: {}, tests: [] };
      for (const session of sessions) {
        // Each file's tests' time, for `scripts/test.mjs --timings`.
        const timing = { ms: 0 };
        if (session.testResults) countSuite(session.testResults, counts, timing);
        counts.files[session.testFile] = (counts.files[session.testFile] ?? 0) + timing.ms;
        // A file that failed to load, or errored outside a test, counts as one failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0) counts.sessionErrors += 1;
      }
      writeFileSync(file, JSON.stringify(counts));
    },
  };
}
