import { expect, html, oneEvent } from '@open-wc/testing';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { connections, control, resetSimulator, waitFor } from '../../support/simulator.js';
import { elementPipelineInWorker, engineOf, liveElement, part } from '../../support/element.js';
import { refuseWorkers } from '../../support/workers.js';
import { engine } from '../../support/engine.js';

/** Every microphone stream the page opens, and the devices the browser lists (which a test may change). */
function watchDevices() {
  // On the prototype: WebKit may collect navigator.mediaDevices' wrapper, and a property set on it with it.
  const media = MediaDevices.prototype;
  const getUserMedia = media.getUserMedia;
  const enumerateDevices = media.enumerateDevices;
  const watch = {
    streams: [] as MediaStream[],
    constraints: [] as MediaStreamConstraints[],
    /** When set, the stream the next microphone request gets instead of the browser's. */
    next: null as MediaStream | null,
    /** When set, what the next microphone request fails with. */
    refuse: null as DOMException | null,
    /** When set, what enumerateDevices lists instead of the browser's devices. */
    listed: null as ((devices: MediaDeviceInfo[]) => MediaDeviceInfo[]) | null,
    restore() {
      media.getUserMedia = getUserMedia;
      media.enumerateDevices = enumerateDevices;
    },
  };
  media.getUserMedia = async function (this: MediaDevices, constraints) {
    watch.constraints.push(constraints ?? {});
    const refusal = watch.refuse;
    watch.refuse = null;
    if (refusal) throw refusal;
    const stream = watch.next ?? (await getUserMedia.call(this, constraints));
    watch.next = null;
    if (stream.getAudioTracks().length) watch.streams.push(stream);
    return stream;
  };
  media.enumerateDevices = async function (this: MediaDevices) {
    const devices = await enumerateDevices.call(this);
    return watch.listed ? watch.listed(devices) : devices;
  };
  return watch;
}

const where = (inWorker: boolean) => (inWorker ? 'in the socket worker' : 'on the page');

const audioOf = async () => (await connections())[0]?.audio;

describe('<gemini-live> devices and volume', () => {
  let el: GeminiLiveElement | undefined;
  let devices: ReturnType<typeof watchDevices> | undefined;
  // Set while a test keeps workers from starting, so that the pipeline runs on the page.
  let allowWorkers: (() => void) | undefined;

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
    localStorage.removeItem('gemini-live:devices');
    devices = watchDevices();
  });
  afterEach(async () => {
    allowWorkers?.();
    allowWorkers = undefined;
    devices?.restore();
    await el?.stop();
    el?.remove();
    el = undefined;
    localStorage.removeItem('gemini-live:devices');
  });

  it('shows labelled device choices and the volume behind the settings control, and passes axe', async () => {
    el = await liveElement(html`<gemini-live video="camera"></gemini-live>`);
    const settings = part(el, 'settings')!;
    expect(settings.getAttribute('aria-expanded')).to.equal('false');
    expect(part(el, 'microphone-select'), 'hidden until asked for').to.equal(null);
    settings.click();
    await waitFor(() => part(el!, 'microphone-select') !== null, { message: 'the settings chunk' });
    expect(settings.getAttribute('aria-expanded')).to.equal('true');
    const microphones = part<HTMLSelectElement>(el, 'microphone-select')!;
    expect(microphones.closest('label')!.textContent).to.contain('Microphone');
    expect(microphones.options[0].textContent!.trim()).to.equal('Default');
    expect(part(el, 'camera-select'), 'video="camera"').to.exist;
    const speakerChoice = 'setSinkId' in AudioContext.prototype;
    expect(
      part(el, 'speaker-select') !== null,
      'a speaker choice exactly where AudioContext.setSinkId exists',
    ).to.equal(speakerChoice);
    const volume = part<HTMLInputElement>(el, 'volume')!;
    expect(volume.type).to.equal('range');
    expect(volume.closest('label')!.textContent).to.contain('Volume');
    await expect(el).to.be.accessible();
    el.video = 'screen';
    await el.updateComplete;
    expect(part(el, 'camera-select'), 'no camera to choose when the screen is shared').to.equal(null);
    settings.click();
    await el.updateComplete;
    expect(part(el, 'settings-panel')).to.equal(null);
  });

  for (const inWorker of [true, false])
    it(`switches the microphone on the same connection, with no gap in the audio, and remembers it (pipeline ${where(inWorker)})`, async () => {
      if (!inWorker) allowWorkers = refuseWorkers();
      el = await liveElement();
      await el.start();
      expect(await elementPipelineInWorker(el)).to.equal(inWorker);
      await waitFor(async () => ((await audioOf())?.chunks ?? 0) > 10, { message: 'microphone audio' });
      const [first] = devices!.streams;
      const firstId = first.getAudioTracks()[0].getSettings().deviceId;
      // Another microphone where there is one (Chromium's fake devices), else the same one asked for by its id.
      const inputs = (await navigator.mediaDevices.enumerateDevices()).filter(
        (d) => d.kind === 'audioinput' && d.deviceId !== 'default',
      );
      const other = inputs.find((d) => d.deviceId !== firstId) ?? inputs[0];
      const before = (await audioOf())!.chunks;
      el.microphoneId = other.deviceId;
      await waitFor(() => devices!.streams.length === 2, { message: 'the new microphone opened' });
      expect(devices!.constraints[1].audio).to.deep.include({ deviceId: { ideal: other.deviceId } });
      await waitFor(() => first.getAudioTracks()[0].readyState === 'ended', { message: 'the old microphone stopped' });
      await waitFor(async () => (await audioOf())!.chunks > before + 25, { message: 'audio after the switch' });
      const audio = (await audioOf())!;
      expect(await connections(), 'the same connection').to.have.length(1);
      // A rebuilt capture or a wait for the device would lose hundreds of ms of audio: the connection received
      // about all of the time from its first chunk to its latest, on the simulator's clock. (Not the longest wait
      // between two chunks: a loaded WebKitGTK once delivered none for a second.)
      const span = (audio.lastAt! - audio.firstAt!) / 1000;
      expect(audio.seconds, `${audio.seconds} s of audio over ${span} s`).to.be.greaterThan(span - 0.15);
      const remembered = JSON.parse(localStorage.getItem('gemini-live:devices')!);
      expect(remembered.microphone.id).to.equal(other.deviceId);
      expect(remembered.microphone.label).to.equal(devices!.streams[1].getAudioTracks()[0].label);
    });

  it('keeps 16 kHz audio in real time after switching to a microphone at another sample rate (22.05 kHz)', async () => {
    el = await liveElement();
    await el.start();
    // A device at 22.05 kHz: a tone from a context at that rate, handed out as the next microphone.
    const source = new AudioContext({ sampleRate: 22050 });
    const oscillator = new OscillatorNode(source, { frequency: 440 });
    const output = source.createMediaStreamDestination();
    oscillator.connect(new GainNode(source, { gain: 0.2 })).connect(output);
    oscillator.start();
    devices!.next = output.stream;
    try {
      el.microphoneId = 'a-22-khz-microphone';
      await waitFor(() => devices!.streams.includes(output.stream), { message: 'the 22.05 kHz microphone in use' });
      await waitFor(() => engineOf(el!)?.microphoneStream === output.stream, { message: 'the capture fed from it' });
      // Timed on the simulator's clock, from one chunk's arrival to another's over 4 s: a loaded machine's late
      // chunks at either end shift both the audio and its time.
      const fed = (await connections())[0].audio.seconds;
      await waitFor(async () => (await connections())[0].audio.seconds > fed + 0.2, { message: 'audio from it' });
      const start = (await connections())[0].audio;
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const end = (await connections())[0].audio;
      const sent = end.seconds - start.seconds;
      const elapsed = (end.lastAt! - start.lastAt!) / 1000;
      // Resampled from the wrong rate, 4 s would come out as 2.9 s or 5.8 s of 16 kHz audio.
      expect(sent / elapsed, 'seconds of 16 kHz audio sent per second').to.be.within(0.85, 1.15);
      expect(await connections()).to.have.length(1);
    } finally {
      await source.close();
    }
  });

  it('starts with the microphone remembered for the site, found by its label when its id changed', async () => {
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    el = await liveElement();
    await el.start();
    const label = devices!.streams[0].getAudioTracks()[0].label;
    const id = devices!.streams[0].getAudioTracks()[0].getSettings().deviceId;
    await el.stop();
    // Remembered under an id the browser no longer hands out.
    localStorage.setItem('gemini-live:devices', JSON.stringify({ microphone: { id: 'an-old-id', label } }));
    devices!.streams.length = 0;
    devices!.constraints.length = 0;
    await el.start();
    expect(devices!.constraints[0].audio).to.deep.include({ deviceId: { ideal: 'an-old-id' } });
    if (!label || inputs.every((d) => !d.deviceId)) return;
    await waitFor(() => JSON.parse(localStorage.getItem('gemini-live:devices')!).microphone.id !== 'an-old-id', {
      message: 'the device found again by its label',
    });
    expect(JSON.parse(localStorage.getItem('gemini-live:devices')!).microphone).to.deep.equal({ id, label });
  });

  it('replaces a microphone whose track ends with the default one within 1 s, on the same connection, and says so', async () => {
    el = await liveElement();
    await el.start();
    const track = devices!.streams[0].getAudioTracks()[0];
    const endedAt = performance.now();
    // What the browser does when the device is unplugged (stop() alone fires no `ended`).
    track.stop();
    track.dispatchEvent(new Event('ended'));
    await waitFor(() => devices!.streams.length === 2, { message: 'the default microphone opened', timeout: 1000 });
    expect(performance.now() - endedAt).to.be.below(1000);
    expect(devices!.constraints[1].audio).to.not.have.property('deviceId');
    await el.updateComplete;
    const notice = part(el, 'notice')!;
    expect(notice.getAttribute('role')).to.equal('status');
    expect(notice.textContent).to.contain('That microphone is not available: using the default one');
    const before = (await audioOf())!.chunks;
    await waitFor(async () => (await audioOf())!.chunks > before + 10, { message: 'audio from the new microphone' });
    expect(await connections()).to.have.length(1);
    expect(el.state).to.be.oneOf(['listening', 'speaking']);
    await expect(el).to.be.accessible();
  });

  it('replaces a microphone that leaves in devicechange while its track lives on (Safari with AirPods)', async () => {
    el = await liveElement();
    await el.start();
    const track = devices!.streams[0].getAudioTracks()[0];
    const goneId = track.getSettings().deviceId;
    expect(goneId, 'the browser names the device').to.be.a('string');
    devices!.listed = (list) =>
      list.filter((device) => device.deviceId !== goneId && device.groupId !== track.getSettings().groupId);
    const left = (await navigator.mediaDevices.enumerateDevices()).filter((device) => device.kind === 'audioinput');
    const error = oneEvent(el, 'gemini-live-error');
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    if (left.length) {
      // Chromium's other fake microphones: the default one takes over.
      await waitFor(() => devices!.streams.length === 2, { message: 'the default microphone opened', timeout: 1000 });
      await waitFor(() => track.readyState === 'ended', { message: 'the old track stopped' });
    } else {
      // Firefox's and WebKit's only fake microphone: none is left.
      expect((await error).detail).to.include({ code: 'mic-lost', recoverable: true });
      expect(track.readyState).to.equal('ended');
    }
    expect(await connections()).to.have.length(1);
  });

  it('reports a recoverable mic-lost error when no microphone is left, and typing still works', async () => {
    el = await liveElement(html`<gemini-live text-input></gemini-live>`);
    await el.start();
    devices!.listed = (list) => list.filter((device) => device.kind !== 'audioinput');
    const track = devices!.streams[0].getAudioTracks()[0];
    const error = oneEvent(el, 'gemini-live-error');
    track.stop();
    track.dispatchEvent(new Event('ended'));
    expect((await error).detail).to.include({ code: 'mic-lost', recoverable: true });
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.contain('The microphone went away');
    expect(engineOf(el)!.capturing).to.equal(false);
    el.sendText('Still there?');
    await waitFor(() => el!.transcript.some((turn) => turn.role === 'model' && turn.final), { message: 'an answer' });
  });

  it('falls back to the default for an unknown microphone id, with a status message and no exception', async () => {
    el = await liveElement();
    el.microphoneId = 'no-such-microphone';
    await el.start();
    expect(devices!.constraints[0].audio).to.deep.include({ deviceId: { ideal: 'no-such-microphone' } });
    await waitFor(() => part(el!, 'notice') !== null, { message: 'the status message' });
    expect(part(el, 'notice')!.textContent).to.contain('using the default one');
    expect(el.state).to.be.oneOf(['listening', 'speaking']);
  });

  it('switching mid-session to an unknown microphone, or to one that cannot be opened, gives the default and says so', async () => {
    el = await liveElement();
    await el.start();
    await waitFor(async () => ((await audioOf())?.chunks ?? 0) > 5, { message: 'microphone audio' });
    el.microphoneId = 'no-such-microphone';
    await waitFor(() => devices!.streams.length === 2, { message: 'the default microphone opened' });
    await waitFor(() => part(el!, 'notice') !== null, { message: 'the status message' });
    expect(part(el, 'notice')!.textContent).to.contain('using the default one');
    // Busy in another app: the browser refuses it, and the default takes its place.
    devices!.refuse = new DOMException('Could not start audio source', 'NotReadableError');
    el.microphoneId = 'a-busy-microphone';
    await el.updateComplete;
    expect(part(el, 'notice'), 'a new choice clears the message').to.equal(null);
    await waitFor(() => devices!.streams.length === 3, { message: 'the default microphone opened again' });
    expect(devices!.constraints[2].audio).to.deep.include({ deviceId: { ideal: 'a-busy-microphone' } });
    expect((devices!.constraints[3].audio as MediaTrackConstraints).deviceId).to.equal(undefined);
    await waitFor(() => part(el!, 'notice') !== null, { message: 'the status message again' });
    const before = (await audioOf())!.chunks;
    await waitFor(async () => (await audioOf())!.chunks > before + 10, {
      message: 'audio from the default microphone',
    });
    expect(await connections(), 'the same connection').to.have.length(1);
    expect(el.state).to.be.oneOf(['listening', 'speaking']);
  });

  it('after a listed microphone fails mid-session, the select shows the one in use, and picking it again tries it again', async () => {
    // A listed microphone that another app holds: refused once, then free.
    const busy = { deviceId: 'busy-microphone', kind: 'audioinput', label: 'Busy microphone', groupId: '' };
    devices!.listed = (listed) => [...listed, { ...busy, toJSON: () => busy } as MediaDeviceInfo];
    el = await liveElement();
    await el.start();
    await waitFor(async () => ((await audioOf())?.chunks ?? 0) > 5, { message: 'microphone audio' });
    part(el, 'settings')!.click();
    await waitFor(() => part(el!, 'microphone-select') !== null, { message: 'the settings chunk' });
    const select = () => part<HTMLSelectElement>(el!, 'microphone-select')!;
    await waitFor(() => [...select().options].some((option) => option.value === busy.deviceId), {
      message: 'the busy microphone listed',
    });
    devices!.refuse = new DOMException('Could not start audio source', 'NotReadableError');
    select().value = busy.deviceId;
    select().dispatchEvent(new Event('change'));
    await waitFor(() => part(el!, 'notice') !== null, { message: 'the status message' });
    await el.updateComplete;
    expect(el.microphoneId, "the page's property keeps the choice").to.equal(busy.deviceId);
    expect(select().value, 'the select shows the microphone in use').to.not.equal(busy.deviceId);
    // Free now: the same choice, picked again, is tried again.
    const opened = devices!.streams.length;
    select().value = busy.deviceId;
    select().dispatchEvent(new Event('change'));
    await waitFor(() => devices!.streams.length === opened + 1, { message: 'the microphone opened again' });
    expect(devices!.constraints.at(-1)!.audio).to.deep.include({ deviceId: { ideal: busy.deviceId } });
    await el.updateComplete;
    expect(part(el, 'notice'), 'the message goes with the new attempt').to.equal(null);
    expect(await connections(), 'the same connection').to.have.length(1);
  });

  it('clamps the volume to 0–1 and ignores values that are not numbers', async () => {
    el = await liveElement(html`<gemini-live volume="0.5"></gemini-live>`);
    expect(el.volume).to.equal(0.5);
    el.setAttribute('volume', '5');
    expect(el.volume).to.equal(1);
    el.setAttribute('volume', '-2');
    expect(el.volume).to.equal(0);
    el.setAttribute('volume', 'loud');
    expect(el.volume, 'not a number: ignored').to.equal(0);
    el.setAttribute('volume', '');
    expect(el.volume).to.equal(0);
    el.volume = 0.3;
    (el as unknown as { volume: unknown }).volume = 'half';
    (el as unknown as { volume: unknown }).volume = null;
    expect(el.volume).to.equal(0.3);
    el.removeAttribute('volume');
    expect(el.volume, 'the attribute removed: the default').to.equal(1);
  });

  for (const inWorker of [true, false])
    it(`changes the loudness of audio already playing within a few ms, and leaves outputStream as the voice is (pipeline ${where(inWorker)})`, async () => {
      if (!inWorker) allowWorkers = refuseWorkers();
      // The speaker path's gain node, caught as the engine makes it, and meters on it and on outputStream.
      const createGain = AudioContext.prototype.createGain;
      let speakers: GainNode | undefined;
      AudioContext.prototype.createGain = function (this: AudioContext) {
        const gain = createGain.call(this);
        speakers ??= gain;
        return gain;
      };
      try {
        await control({ action: 'configure', options: { speed: 1 } });
        el = await liveElement();
        await el.start();
      } finally {
        AudioContext.prototype.createGain = createGain;
      }
      expect(await elementPipelineInWorker(el)).to.equal(inWorker);
      const audio = engineOf(el)!;
      const context = audio.context;
      // Meters on the same graph: the voice as the playback worklet renders it (before the volume), what goes to
      // the speakers, and outputStream. 8192 samples: about 170 ms, long enough to average over syllables.
      const meter = (node: AudioNode) => {
        const analyser = new AnalyserNode(context, { fftSize: 8192 });
        node.connect(analyser);
        return analyser;
      };
      const voice = meter((audio as unknown as { playback: { node: AudioNode } }).playback.node);
      const heard = meter(speakers!);
      const recorded = meter(context.createMediaStreamSource(el.outputStream!));
      const rms = (analyser: AnalyserNode) => {
        const samples = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(samples);
        return Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
      };
      // The speakers' level against the voice's, over the same window: 1 at full volume. Read once the window holds
      // voice (a loaded machine can leave a gap in playback).
      const ratio = async () => {
        let value = NaN;
        await waitFor(() => rms(voice) > 0.005 && Number.isFinite((value = rms(heard) / rms(voice))), {
          message: 'voice in the window',
        });
        return value;
      };
      // outputStream's level against the voice's: the best of four readings, since a stream path on a loaded
      // machine (WebKitGTK's) can drop out for a moment and read low.
      const streamed = async () => {
        let best = 0;
        for (let reading = 0; reading < 4; reading++) {
          best = Math.max(best, await ratio().then(() => rms(recorded) / rms(voice)));
          await new Promise((resolve) => setTimeout(resolve, 60));
        }
        return best;
      };
      const settle = () => new Promise((resolve) => setTimeout(resolve, 250));
      await control({ action: 'turn', text: 'A long answer to listen to while the volume changes.', audioSeconds: 8 });
      await waitFor(() => rms(voice) > 0.005, { message: 'the voice playing' });
      await settle();
      expect(await ratio(), 'full volume').to.be.within(0.9, 1.1);
      const streamedAtFull = await streamed();
      expect(streamedAtFull, 'outputStream at full volume').to.be.within(engine === 'webkit' ? 0.1 : 0.5, 1.5);
      // The answer's audio was queued before the change: it follows the new volume all the same.
      el.volume = 0.25;
      await settle();
      expect(engineOf(el)!.playing, 'the same answer still playing').to.equal(true);
      expect(await ratio(), 'a quarter of the amplitude on the speakers').to.be.within(0.2, 0.3);
      // WebKitGTK's stream path drops out under load and reads anywhere from 0.4 to 1 of the voice, so the level
      // is compared where it holds still (the wiring is the same in every engine).
      if (engine !== 'webkit') expect((await streamed()) / streamedAtFull, 'outputStream as the voice is').to.be.above(0.6);
      el.volume = 1;
      await settle();
      expect(await ratio()).to.be.within(0.9, 1.1);
    });

  it('asks for the chosen camera as ideal, and stops the video and says so when the camera goes away', async () => {
    const getUserMedia = MediaDevices.prototype.getUserMedia;
    const asked: MediaStreamConstraints[] = [];
    let camera: MediaStreamTrack | undefined;
    MediaDevices.prototype.getUserMedia = async function (this: MediaDevices, constraints) {
      asked.push(constraints ?? {});
      const stream = await getUserMedia.call(this, constraints);
      camera = stream.getVideoTracks()[0] ?? camera;
      return stream;
    };
    try {
      el = await liveElement(html`<gemini-live video="camera"></gemini-live>`);
      el.cameraId = 'a-camera-id';
      await el.start();
      await el.startVideo();
      expect(asked.find((constraints) => constraints.video)!.video).to.deep.include({
        deviceId: { ideal: 'a-camera-id' },
      });
      expect(el.videoActive).to.equal(true);
      // Unplugged: the browser ends the track.
      camera!.stop();
      camera!.dispatchEvent(new Event('ended'));
      await waitFor(() => !el!.videoActive, { message: 'video stopped' });
      await el.updateComplete;
      expect(part(el, 'notice')!.textContent).to.contain('The camera is not available: video stopped');
      expect(el.state, 'the conversation goes on').to.be.oneOf(['listening', 'speaking']);
      await expect(el).to.be.accessible();
    } finally {
      MediaDevices.prototype.getUserMedia = getUserMedia;
    }
  });
});
