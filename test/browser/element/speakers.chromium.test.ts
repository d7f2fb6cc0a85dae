// Chromium only: the one engine with AudioContext.setSinkId, and fake speakers ("Fake Audio Output 1", …).
import { expect } from '@open-wc/testing';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import type { AudioEngine } from '../../../src/audio/audio-engine.js';
import { resetSimulator, waitFor } from '../../support/simulator.js';
import { liveElement, part } from '../../support/element.js';

const engineOf = (el: GeminiLiveElement) =>
  (el as unknown as { session: { session: { engine?: AudioEngine } | null } }).session.session?.engine;

describe('<gemini-live> speakers (Chromium only: AudioContext.setSinkId)', () => {
  let el: GeminiLiveElement | undefined;

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
    localStorage.removeItem('gemini-live:devices');
  });
  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
    localStorage.removeItem('gemini-live:devices');
  });

  it('plays on the speaker chosen in the settings, remembers it, and goes back to the default', async () => {
    el = await liveElement();
    await el.start();
    part(el, 'settings')!.click();
    await waitFor(() => (part<HTMLSelectElement>(el!, 'speaker-select')?.options.length ?? 0) > 2, { message: 'the speakers listed' });
    const select = part<HTMLSelectElement>(el, 'speaker-select')!;
    const speaker = [...select.options].find((option) => option.value && option.textContent!.includes('Output'))!;
    select.value = speaker.value;
    select.dispatchEvent(new Event('change'));
    expect(el.speakerId).to.equal(speaker.value);
    await waitFor(() => engineOf(el!)!.speakerId === speaker.value, { message: 'the context on that speaker' });
    await waitFor(() => localStorage.getItem('gemini-live:devices')?.includes(speaker.value) ?? false, { message: 'remembered' });
    expect(JSON.parse(localStorage.getItem('gemini-live:devices')!).speaker.label).to.equal(speaker.textContent!.trim());
    el.speakerId = undefined;
    await waitFor(() => engineOf(el!)!.speakerId === '', { message: 'the default speaker' });
    expect(localStorage.getItem('gemini-live:devices')).to.not.include(speaker.value);
  });

  it('falls back to the default speaker for an unknown id, with a status message and no exception', async () => {
    el = await liveElement();
    el.speakerId = 'no-such-speaker';
    await el.start();
    await waitFor(() => part(el!, 'notice') !== null, { message: 'the status message' });
    expect(part(el, 'notice')!.textContent).to.contain('That speaker is not available');
    expect(engineOf(el)!.speakerId).to.equal('');
    expect(el.state).to.be.oneOf(['listening', 'speaking']);
  });

  it('goes back to the default when the chosen speaker leaves in devicechange', async () => {
    el = await liveElement();
    const outputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput' && d.deviceId !== 'default');
    el.speakerId = outputs[outputs.length - 1].deviceId;
    await el.start();
    await waitFor(() => engineOf(el!)!.speakerId === el!.speakerId, { message: 'on the chosen speaker' });
    const enumerate = MediaDevices.prototype.enumerateDevices;
    MediaDevices.prototype.enumerateDevices = async function (this: MediaDevices) {
      return (await enumerate.call(this)).filter((device) => device.deviceId !== el!.speakerId);
    };
    try {
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await waitFor(() => engineOf(el!)!.speakerId === '', { message: 'the default speaker', timeout: 1000 });
      await waitFor(() => part(el!, 'notice') !== null, { message: 'the status message' });
    } finally {
      MediaDevices.prototype.enumerateDevices = enumerate;
    }
  });
});
