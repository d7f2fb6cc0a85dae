import { expect } from '@open-wc/testing';
import { ResumptionStore, HANDLE_LIFETIME_MS } from '../../../src/live/resumption-store.js';
import { microphoneError, setupCloseError } from '../../../src/live/errors.js';

describe('ResumptionStore', () => {
  afterEach(() => sessionStorage.clear());

  it('saves and loads a handle, and drops one older than two hours', () => {
    let now = 1_000_000;
    const store = new ResumptionStore('test-key', () => now);
    expect(store.load()).to.be.undefined;
    store.save('h-1');
    expect(store.load()).to.equal('h-1');
    now += HANDLE_LIFETIME_MS + 1;
    expect(store.load()).to.be.undefined;
    expect(sessionStorage.getItem('test-key')).to.be.null;
  });

  it('ignores garbage in storage', () => {
    sessionStorage.setItem('bad', '{not json');
    expect(new ResumptionStore('bad').load()).to.be.undefined;
    sessionStorage.setItem('bad2', JSON.stringify({ handle: 3 }));
    expect(new ResumptionStore('bad2').load()).to.be.undefined;
  });
});

describe('error classification', () => {
  it('maps getUserMedia failures to mic codes', () => {
    expect(microphoneError(new DOMException('x', 'NotAllowedError')).detail.code).to.equal('mic-denied');
    expect(microphoneError(new DOMException('x', 'NotFoundError')).detail.code).to.equal('mic-missing');
    expect(microphoneError(new DOMException('x', 'NotReadableError')).detail.code).to.equal('mic-failed');
  });

  it('maps setup close codes', () => {
    expect(setupCloseError(1007, 'API key not valid').detail).to.include({ code: 'auth-failed', recoverable: false });
    expect(setupCloseError(1008, 'models/x is not found for API version v1beta').detail.code).to.equal('model-not-found');
    expect(setupCloseError(1011, 'internal').detail).to.include({ code: 'connection-failed', recoverable: true });
  });
});
