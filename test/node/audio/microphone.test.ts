import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { microphoneConstraints } from '../../../src/audio/microphone.js';

describe('microphoneConstraints', () => {
  it('asks for mono with echo cancellation, noise suppression and auto gain by default', () => {
    assert.deepEqual(microphoneConstraints(), {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      channelCount: 1,
    });
  });

  it('turns all three off with audioProcessing: false', () => {
    const constraints = microphoneConstraints({ audioProcessing: false });
    assert.equal(constraints.echoCancellation, false);
    assert.equal(constraints.noiseSuppression, false);
    assert.equal(constraints.autoGainControl, false);
    assert.equal(constraints.channelCount, 1);
  });

  it('merges caller constraints over the defaults', () => {
    const constraints = microphoneConstraints({
      audioProcessing: false,
      constraints: { deviceId: { exact: 'usb-mic' }, echoCancellation: true, channelCount: { ideal: 2 } },
    });
    assert.deepEqual(constraints, {
      echoCancellation: true,
      noiseSuppression: false,
      autoGainControl: false,
      channelCount: { ideal: 2 },
      deviceId: { exact: 'usb-mic' },
    });
  });
});
