import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement, LiveState } from '../../../src/gemini-live.js';
import { connections, control, openConnectionCount, resetSimulator, waitFor } from '../../support/simulator.js';
import { SIM_MODEL } from '../../support/session.js';
import { keyDown, keyUp, liveElement, part, pointAtSimulator } from '../../support/element.js';
import { recordUserMedia } from '../../support/media.js';

async function tokenRequests(clear = false): Promise<Array<{ body: { model?: string } }>> {
  const result = await executeServerCommand<{ requests: Array<{ body: { model?: string } }> }, Record<string, unknown>>('simulator', {
    route: 'token-requests',
    clear,
  });
  return result.requests;
}

describe('<gemini-live> in conversation with the simulator', () => {
  let el: GeminiLiveElement | undefined;

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
    await tokenRequests(true);
  });

  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  it('starts from the toggle, fetches a token for every connection, and fires state events', async () => {
    el = await liveElement();
    const states: Array<{ state: LiveState; previous: LiveState }> = [];
    el.addEventListener('gemini-live-state', (event) => states.push(event.detail));
    part(el, 'toggle')!.click();
    await waitFor(() => el!.state === 'listening', { message: 'listening' });
    expect(states.slice(0, 2)).to.deep.equal([
      { state: 'connecting', previous: 'idle' },
      { state: 'listening', previous: 'connecting' },
    ]);
    expect(el.getAttribute('state')).to.equal('listening');
    await el.updateComplete;
    expect(part(el, 'toggle')!.getAttribute('aria-pressed')).to.equal('true');
    expect(part(el, 'status')!.textContent).to.equal('Listening');
    await expect(el).to.be.accessible();
    const requests = await tokenRequests();
    expect(requests).to.have.length(1);
    expect(requests[0].body).to.deep.equal({ model: SIM_MODEL });
    await control({ action: 'drop' });
    await waitFor(() => el!.state === 'reconnecting', { message: 'reconnecting' });
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('Reconnecting');
    await expect(el).to.be.accessible();
    await waitFor(() => el!.state === 'listening', { message: 'listening again' });
    expect(await tokenRequests()).to.have.length(2);
    const records = await connections();
    expect(new Set(records.map((r) => r.auth.credential)).size).to.equal(records.length);
    part(el, 'toggle')!.click();
    await waitFor(() => el!.state === 'idle', { message: 'idle' });
  });

  it('sends every attribute in the setup', async () => {
    el = await liveElement(html`<gemini-live
      voice="Puck"
      language="fr-FR"
      system-instruction="Réponds brièvement."
      transcription="input"
      google-search
      chunk-ms="40"
      api-version="v1alpha"
    ></gemini-live>`);
    el.tools = [{ name: 'ping', description: 'Answers pong', parameters: { type: 'object' }, handler: () => 'pong' }];
    el.config = { temperature: 0.2 };
    await el.start();
    const [record] = await connections();
    const setup = record.setup!;
    expect(record.url).to.contain('v1alpha');
    // Native-audio models choose the spoken language themselves: languageCode is not sent.
    expect(setup.generationConfig.speechConfig).to.deep.equal({ voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } });
    expect(setup.generationConfig.temperature).to.equal(0.2);
    expect(setup.systemInstruction.parts[0].text).to.equal('Réponds brièvement.');
    expect(setup.inputAudioTranscription).to.deep.equal({});
    expect(setup).to.not.have.property('outputAudioTranscription');
    expect(setup.tools).to.deep.equal([
      { functionDeclarations: [{ name: 'ping', description: 'Answers pong' }] },
      { googleSearch: {} },
    ]);
    await waitFor(async () => (await connections())[0].audio.chunks >= 3, { message: 'audio' });
    const audio = (await connections())[0].audio;
    expect(audio.bytes / audio.chunks).to.be.closeTo(1280, 1);
  });

  it('types a message, shows both sides, speaks, and reports usage', async () => {
    el = await liveElement(html`<gemini-live text-input></gemini-live>`);
    await el.start();
    const usage = oneEvent(el, 'gemini-live-usage');
    const input = part(el, 'text-input') as HTMLInputElement;
    input.value = 'Hello from a test';
    input.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    part(el, 'send')!.click();
    await waitFor(() => el!.transcript.some((t) => t.role === 'model' && t.final), { message: 'an answer' });
    expect(el.transcript[0]).to.include({ role: 'user', text: 'Hello from a test', final: true });
    expect((await usage).detail.totalTokenCount).to.be.a('number');
    await el.updateComplete;
    const turns = el.shadowRoot!.querySelectorAll('[part~="turn"]');
    expect(turns[0].getAttribute('part')).to.contain('turn-user');
    expect(turns[1].getAttribute('part')).to.contain('turn-model');
    expect(input.value).to.equal('');
    await waitFor(() => el!.state === 'speaking' || el!.outputStream !== null, { message: 'speech' });
    expect(el.outputStream).to.be.instanceOf(MediaStream);
    expect(el.outputStream!.getAudioTracks()[0].readyState).to.equal('live');
    await expect(el).to.be.accessible();
  });

  it('fires gemini-live-transcript for every change, with the turn and the whole transcript', async () => {
    el = await liveElement();
    const seen: Array<{ id: string; role: string; text: string; final: boolean; length: number }> = [];
    el.addEventListener('gemini-live-transcript', (event) =>
      seen.push({ ...event.detail.turn, length: event.detail.transcript.length }),
    );
    await el.start();
    await control({ action: 'turn', inputTranscript: 'Hi there', text: 'Hello you.', outputTranscript: ['Hello ', 'you.'], audioSeconds: 0.3 });
    await waitFor(() => el!.transcript.some((t) => t.role === 'model' && t.final), { message: 'a final answer' });
    const user = seen.filter((t) => t.role === 'user');
    const model = seen.filter((t) => t.role === 'model');
    expect(user[user.length - 1]).to.include({ text: 'Hi there', final: true });
    expect(model.map((t) => t.text)).to.include('Hello ');
    expect(model[model.length - 1]).to.include({ text: 'Hello you.', final: true, length: 2 });
    expect(el.transcript.map((t) => t.text)).to.deep.equal(['Hi there', 'Hello you.']);
  });

  it('reports not-connected for text sent while idle, and mic-missing without a microphone', async () => {
    el = await liveElement();
    const notConnected = oneEvent(el, 'gemini-live-error');
    el.sendText('hello?');
    expect((await notConnected).detail).to.include({ code: 'not-connected', recoverable: true });
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    try {
      const missing = oneEvent(el, 'gemini-live-error');
      await el.start().catch(() => undefined);
      expect((await missing).detail.code).to.equal('mic-missing');
      await el.updateComplete;
      expect(part(el, 'error')!.textContent).to.contain('No microphone');
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it('is accessible while connecting, and reports mic-failed and video-failed', async () => {
    el = await liveElement(html`<gemini-live video="camera"></gemini-live>`);
    await control({ action: 'stallNextSetup' });
    const starting = el.start().catch(() => undefined);
    // The stall applies to the next connection: wait until it holds this setup, or a later start() would get it.
    await waitFor(async () => (await connections()).some((record) => record.setup), { message: 'the stalled setup' });
    expect(el.state).to.equal('connecting');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.equal('Connecting…');
    await expect(el).to.be.accessible();
    await el.stop();
    await starting;

    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Could not start audio source', 'NotReadableError'));
    try {
      const micFailed = oneEvent(el, 'gemini-live-error');
      await el.start().catch(() => undefined);
      expect((await micFailed).detail).to.include({ code: 'mic-failed', recoverable: true });
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }

    await el.start();
    navigator.mediaDevices.getUserMedia = (constraints) =>
      constraints?.video ? Promise.reject(new DOMException('Could not start video source', 'NotReadableError')) : original(constraints);
    try {
      const videoFailed = oneEvent(el, 'gemini-live-error');
      await el.startVideo('camera').catch(() => undefined);
      expect((await videoFailed).detail).to.include({ code: 'video-failed', recoverable: true });
      expect(el.state).to.equal('listening');
      expect(el.videoActive).to.be.false;
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it('reports audio-failed when the browser cannot create an AudioContext', async () => {
    el = await liveElement();
    const OriginalContext = window.AudioContext;
    window.AudioContext = class {
      constructor() {
        throw new DOMException('no audio', 'NotSupportedError');
      }
    } as unknown as typeof AudioContext;
    try {
      const failed = oneEvent(el, 'gemini-live-error');
      await el.start().catch(() => undefined);
      expect((await failed).detail).to.include({ code: 'audio-failed' });
      expect(el.state).to.equal('error');
    } finally {
      window.AudioContext = OriginalContext;
    }
  });

  it('delivers text typed while reconnecting once the connection is back', async () => {
    el = await liveElement(html`<gemini-live text-input></gemini-live>`);
    await el.start();
    await control({ action: 'refuseNext' });
    await control({ action: 'drop' });
    await waitFor(() => el!.state === 'reconnecting', { message: 'reconnecting' });
    el.sendText('Typed during the outage');
    await waitFor(() => el!.state === 'listening', { message: 'listening again' });
    await waitFor(async () => (await connections()).some((r) => r.texts.some((t) => t.text === 'Typed during the outage')), {
      message: 'the text delivered',
    });
    expect(el.transcript.filter((t) => t.text === 'Typed during the outage')).to.have.length(1);
  });

  it('keeps each element\'s resumption handle apart, drops it on stop and keeps it on removal', async () => {
    sessionStorage.clear();
    const page = await fixture<HTMLDivElement>(html`<div>
      <gemini-live id="first" resume></gemini-live><gemini-live id="second" resume></gemini-live>
    </div>`);
    const [first, second] = [...page.querySelectorAll('gemini-live')] as GeminiLiveElement[];
    for (const element of [first, second]) {
      pointAtSimulator(element);
    }
    await Promise.all([first.start(), second.start()]);
    await waitFor(() => sessionStorage.length === 2, { message: 'two stored handles' });
    const keys = Object.keys(sessionStorage);
    expect(keys.some((key) => key.endsWith(':first'))).to.be.true;
    expect(keys.some((key) => key.endsWith(':second'))).to.be.true;
    await first.stop();
    expect(Object.keys(sessionStorage).some((key) => key.endsWith(':first'))).to.be.false;
    second.remove();
    await waitFor(async () => (await openConnectionCount()) === 0, { message: 'sockets closed' });
    expect(Object.keys(sessionStorage).some((key) => key.endsWith(':second'))).to.be.true;
    sessionStorage.clear();
  });

  it('announces final phrases politely, not every partial', async () => {
    el = await liveElement();
    const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    const announced: string[] = [];
    const observer = new MutationObserver(() => {
      if (live.textContent) announced.push(live.textContent);
    });
    observer.observe(live, { childList: true, characterData: true, subtree: true });
    await el.start();
    await control({ action: 'turn', text: 'A fairly short answer.', outputTranscript: ['A fairly ', 'short ', 'answer.'], audioSeconds: 0.5 });
    await waitFor(() => el!.transcript.some((t) => t.role === 'model' && t.final), { message: 'a final answer' });
    await el.updateComplete;
    expect(announced).to.deep.equal(['Assistant: A fairly short answer.']);
  });

  it('renders transcript and model text as text, never as HTML', async () => {
    el = await liveElement(html`<gemini-live response-modality="text"></gemini-live>`);
    await el.start();
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';
    await control({ action: 'turn', inputTranscript: payload, text: payload });
    await waitFor(() => el!.transcript.some((t) => t.role === 'model' && t.final), { message: 'the payload turn' });
    await el.updateComplete;
    const transcript = part(el, 'transcript')!;
    expect(transcript.querySelector('img, script, b')).to.be.null;
    expect(transcript.textContent).to.contain(payload);
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
    // Each turn's words are isolated from the speaker label, so right-to-left text does not reorder it.
    const words = [...transcript.querySelectorAll('li > bdi')].map((bdi) => bdi.textContent);
    expect(words).to.deep.equal([payload, payload]);
  });

  it('fires gemini-live-interrupted and marks the cut model turn', async () => {
    // In real time: the answer must still be arriving when the typed text cuts it off.
    await control({ action: 'configure', options: { speed: 1 } });
    el = await liveElement();
    await el.start();
    await control({ action: 'turn', text: 'A long answer about many things that will not be finished.', audioSeconds: 4 });
    await waitFor(() => el!.state === 'speaking', { message: 'speaking' });
    await el.updateComplete;
    await expect(el).to.be.accessible();
    const interrupted = oneEvent(el, 'gemini-live-interrupted');
    el.sendText('Wait');
    await interrupted;
    await el.updateComplete;
    const cut = el.shadowRoot!.querySelector('[part~="turn-interrupted"]');
    expect(cut).to.exist;
    expect(cut!.textContent).to.contain('(interrupted)');
  });

  it('fires a cancelable tool-call event for functions without a handler; respond() answers', async () => {
    el = await liveElement();
    el.tools = [{ name: 'get_colour', description: 'Reads the page colour', handler: undefined as never }];
    el.addEventListener('gemini-live-tool-call', (event) => {
      event.preventDefault();
      event.detail.respond({ colour: 'teal' });
    });
    await el.start();
    const call = oneEvent(el, 'gemini-live-tool-call');
    el.sendText('call get_colour');
    const { detail } = await call;
    expect(detail.name).to.equal('get_colour');
    expect(detail.id).to.be.a('string');
    await waitFor(async () => (await connections()).some((r) => r.toolResponses.length > 0), { message: 'the response' });
    const record = (await connections()).find((r) => r.toolResponses.length > 0)!;
    expect(record.toolResponses[0].functionResponses[0].response).to.deep.equal({ result: { colour: 'teal' } });
  });

  it('runs page tools from the tools property', async () => {
    el = await liveElement();
    let seen: unknown;
    el.tools = [
      {
        name: 'set_volume',
        description: 'Sets the volume',
        parameters: { type: 'object', properties: { level: { type: 'number' } } },
        handler: (args) => {
          seen = args;
          return 'done';
        },
      },
    ];
    await el.start();
    el.sendText('call set_volume with level 7');
    await waitFor(() => seen, { message: 'the handler' });
    expect(seen).to.deep.equal({ level: 7 });
  });

  it('push-to-talk: Space and the talk control bracket activity; audio only while held', async () => {
    el = await liveElement(html`<gemini-live mode="push-to-talk"></gemini-live>`);
    await el.start();
    await el.updateComplete;
    const [record] = await connections();
    expect(record.setup!.realtimeInputConfig).to.deep.equal({ automaticActivityDetection: { disabled: true } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await connections())[0].audio.chunks).to.equal(0);
    part(el, 'toggle')!.focus();
    const pressed = performance.now();
    await keyDown(' ');
    await el.updateComplete;
    expect(part(el, 'talk')!.getAttribute('aria-pressed')).to.equal('true');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await keyUp(' ');
    const heldMs = performance.now() - pressed;
    await el.updateComplete;
    expect(part(el, 'talk')!.getAttribute('aria-pressed')).to.equal('false');
    // The released Space did not click the focused toggle.
    expect(el.state).to.not.equal('idle');
    const talk = part(el, 'talk')!;
    const down = performance.now();
    talk.dispatchEvent(new PointerEvent('pointerdown', { button: 0, pointerId: 1, bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    talk.dispatchEvent(new PointerEvent('pointerup', { button: 0, pointerId: 1, bubbles: true }));
    const pointerMs = performance.now() - down;
    await waitFor(async () => (await connections())[0].activity.filter((a) => a.type === 'activityEnd').length === 2, {
      message: 'two activity ends',
    });
    const after = (await connections())[0];
    expect(after.activity.filter((a) => a.type === 'activityStart')).to.have.length(2);
    // Audio only while held: the two holds (key presses take a while through WebDriver), plus a chunk or two
    // in flight at each edge; none in the 300 ms before.
    expect(after.audio.seconds).to.be.greaterThan(0.3).and.lessThan((heldMs + pointerMs) / 1000 + 0.2);
    await expect(el).to.be.accessible();
  });

  it('mute stops audio without closing the session', async () => {
    el = await liveElement();
    await el.start();
    await waitFor(async () => (await connections())[0].audio.chunks > 5, { message: 'audio' });
    el.muted = true;
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = (await connections())[0].audio.chunks;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await connections())[0].audio.chunks).to.equal(before);
    expect(el.state).to.equal('listening');
    expect(part(el, 'status')!.textContent).to.equal('Muted');
    el.muted = false;
    await waitFor(async () => (await connections())[0].audio.chunks > before, { message: 'audio again' });
  });

  it('shows what to do when the microphone is blocked, and can start again', async () => {
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    try {
      el = await liveElement();
      const error = oneEvent(el, 'gemini-live-error');
      await el.start().catch(() => undefined);
      expect((await error).detail).to.include({ code: 'mic-denied', recoverable: true });
      await el.updateComplete;
      expect(el.state).to.equal('error');
      expect(part(el, 'error')!.textContent).to.contain('Allow the microphone');
      await expect(el).to.be.accessible();
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
    await el.start();
    expect(el.state).to.equal('listening');
    await el.updateComplete;
    expect(part(el, 'error')).to.be.null;
  });

  it('leaves no live track, open context or open socket after 10 start/stop cycles', async () => {
    const recorder = recordUserMedia();
    const liveTracks = () => recorder.tracks().filter((track) => track.readyState === 'live');
    const contexts: AudioContext[] = [];
    const OriginalContext = window.AudioContext;
    window.AudioContext = class extends OriginalContext {
      constructor(options?: AudioContextOptions) {
        super(options);
        contexts.push(this);
      }
    };
    try {
      el = await liveElement();
      for (let i = 0; i < 10; i += 1) {
        const started = el.start();
        started.catch(() => undefined);
        // Every other cycle stops before the session is up; that start() then rejects with an AbortError.
        if (i % 2 === 1) await new Promise((resolve) => setTimeout(resolve, 20));
        else await started;
        await el.stop();
        // By the time stop() resolves, everything is released.
        expect(contexts[i].state, `context of cycle ${i}`).to.equal('closed');
        expect(liveTracks(), `tracks of cycle ${i}`).to.have.length(0);
        if (i % 2 === 1) expect(await started.then(() => 'resolved', (error: Error) => error.name)).to.equal('AbortError');
      }
      expect(contexts).to.have.length(10);
      expect(liveTracks()).to.have.length(0);
      await waitFor(async () => (await openConnectionCount()) === 0, { message: 'sockets closed' });
      expect(el.state).to.equal('idle');
    } finally {
      recorder.restore();
      window.AudioContext = OriginalContext;
    }
  });

  it('removing the element ends the conversation and releases everything', async () => {
    el = await liveElement();
    await el.start();
    const stream = (el as unknown as { session: { session: { engine: { microphoneStream: MediaStream } } } }).session.session.engine
      .microphoneStream;
    el.remove();
    await waitFor(() => stream.getTracks().every((track) => track.readyState === 'ended'), { message: 'tracks ended' });
    await waitFor(async () => (await openConnectionCount()) === 0, { message: 'socket closed' });
  });
});
