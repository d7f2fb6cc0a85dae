// Chromium only: the one engine with AudioContext.setSinkId, and fake speakers ("Fake Audio Output 1", …).
import { expect } from '@open-wc/testing';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { resetSimulator, waitFor } from '../../support/simulator.js';
import { engineOf, liveElement, part } from '../../support/element.js';
import { toneMicrophone, whileTheModelSpeaks } from '../../support/tone-microphone.js';

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

describe('<gemini-live barge-in="auto"> on another speaker (Chromium only: AudioContext.setSinkId)', () => {
  let el: GeminiLiveElement | undefined;
  let microphone: ReturnType<typeof toneMicrophone> | undefined;

  beforeEach(async () => {
    await resetSimulator({ speed: 1, activity: { thresholdDb: -20 } });
    microphone = toneMicrophone();
  });
  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
    await microphone?.restore();
    localStorage.removeItem('gemini-live:devices');
  });

  it("trusts the echo canceller on the default speaker after its first 3 s, and guards all along on another", async () => {
    el = await liveElement();
    // Voice processing on: Chromium cancels Web Audio output on the default speaker.
    el.noAudioProcessing = false;
    microphone!.level(-30);
    await el.start();
    // The canceller's first seconds are guarded; after them the microphone goes to the service as it is.
    await whileTheModelSpeaks(el, 3.3);
    const trusted = await whileTheModelSpeaks(el, 1.5);
    expect(trusted.sound, 'on the default speaker, after the first 3 s').to.be.above(trusted.chunks * 0.8);
    const outputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput' && d.deviceId !== 'default');
    el.speakerId = outputs[outputs.length - 1].deviceId;
    await waitFor(() => engineOf(el!)!.speakerId === el!.speakerId, { message: 'on the other speaker' });
    // Silent until the voice plays, so no sound from before it (still on its way under load) is counted.
    microphone!.level(-200);
    const guarded = await whileTheModelSpeaks(el, 1.5, () => microphone!.level(-30));
    expect(guarded.chunks).to.be.above(30);
    expect(guarded.sound, 'on another speaker the canceller has no reference: guarded').to.be.at.most(1);
  });
});
