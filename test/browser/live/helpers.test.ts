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

  it('keeps the turns next to the handle, and clears them with it', () => {
    const store = new ResumptionStore('turns-key');
    expect(store.loadTurns()).to.deep.equal([]);
    const turns = [
      { id: 't1', role: 'user', at: 1, text: 'Hello', final: true },
      { id: 't2', role: 'model', at: 2, text: 'Hi, how can', final: true, interrupted: true },
      { id: 't3', role: 'user', at: 3, text: '', final: false },
      { id: 't4', role: 'model', at: 4, text: 'Stopped.', final: true, endReason: 'PROHIBITED_INPUT_CONTENT' },
    ] as const;
    store.saveTurns(turns);
    store.save('h-1');
    const kept = [
      { role: 'user', at: 1, text: 'Hello' },
      { role: 'model', at: 2, text: 'Hi, how can', interrupted: true },
      { role: 'model', at: 4, text: 'Stopped.', endReason: 'PROHIBITED_INPUT_CONTENT' },
    ];
    expect(new ResumptionStore('turns-key').loadTurns()).to.deep.equal(kept);
    expect(new ResumptionStore('turns-key').load()).to.equal('h-1');
    store.saveTurns(turns.slice(0, 1));
    expect(store.load()).to.equal('h-1');
    store.clear();
    expect(store.loadTurns()).to.deep.equal([]);
  });

  it('drops turns it cannot read, keeps the handle, and does without storage that throws', () => {
    sessionStorage.setItem('odd', JSON.stringify({ handle: 'h-2', savedAt: Date.now(), turns: [{ role: 'robot', at: 1, text: 'x' }] }));
    const store = new ResumptionStore('odd');
    expect(store.loadTurns()).to.deep.equal([]);
    expect(JSON.parse(sessionStorage.getItem('odd')!)).to.not.have.property('turns');
    expect(store.load()).to.equal('h-2');
    const { setItem, getItem } = Storage.prototype;
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    Storage.prototype.getItem = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    try {
      store.saveTurns([{ id: 't', role: 'user', at: 1, text: 'Hi', final: true }]);
      store.save('h-3');
      expect(store.loadTurns()).to.deep.equal([]);
      expect(store.load()).to.equal(undefined);
    } finally {
      Object.assign(Storage.prototype, { setItem, getItem });
    }
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
