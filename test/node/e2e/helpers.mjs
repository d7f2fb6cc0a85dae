// Shared by the end-to-end tests: Debian's (or any found) Chromium through playwright-core.
import { chromium } from 'playwright-core';
import { CHROME_ARGS, ensureChrome } from '../../../scripts/find-chrome.mjs';

export { CHROME_ARGS };

export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: ensureChrome(), args: [...CHROME_ARGS, ...extraArgs] });
}

/** Counts microphone requests, AudioContexts, WebSockets, CSP violations and page errors, from the first script on. */
export const PROBE_SCRIPT = () => {
  const probe = { getUserMedia: 0, audioContexts: 0, webSockets: 0, cspViolations: [], errors: [] };
  window.__probe = probe;
  const gum = navigator.mediaDevices?.getUserMedia?.bind(navigator.mediaDevices);
  if (gum) {
    navigator.mediaDevices.getUserMedia = (constraints) => {
      probe.getUserMedia += 1;
      return gum(constraints);
    };
  }
  const NativeContext = window.AudioContext;
  window.AudioContext = class extends NativeContext {
    constructor(options) {
      super(options);
      probe.audioContexts += 1;
    }
  };
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url, protocols) {
      super(url, protocols);
      probe.webSockets += 1;
    }
  };
  document.addEventListener('securitypolicyviolation', (event) =>
    probe.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`),
  );
  window.addEventListener('error', (event) => probe.errors.push(String(event.error ?? event.message)));
  window.addEventListener('unhandledrejection', (event) => probe.errors.push(String(event.reason)));
};
