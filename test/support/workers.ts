// Sessions whose pipeline must run on the page.

/**
 * Until the returned function is called, no worker can start, as under a content security policy without
 * `worker-src`: sessions run their pipeline on the page.
 */
export function refuseWorkers(): () => void {
  const NativeWorker = window.Worker;
  window.Worker = class {
    constructor() {
      throw new DOMException('Refused by the content security policy.', 'SecurityError');
    }
  } as unknown as typeof Worker;
  return () => {
    window.Worker = NativeWorker;
  };
}
