import { expect, html, oneEvent } from '@open-wc/testing';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { connections, resetSimulator, waitFor } from '../../support/simulator.js';
import { liveElement, part } from '../../support/element.js';

/** Counts the page's microphone requests, and can refuse them. */
function watchMicrophone(refuse = false) {
  // On the prototype: WebKit may collect navigator.mediaDevices' wrapper, and a property set on it with it.
  const original = MediaDevices.prototype.getUserMedia;
  const watch = {
    requests: 0,
    restore: () => void (MediaDevices.prototype.getUserMedia = original),
  };
  MediaDevices.prototype.getUserMedia = function (this: MediaDevices, constraints) {
    watch.requests += 1;
    if (refuse) return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    return original.call(this, constraints);
  };
  return watch;
}

/** Types `text` into the panel's text box and sends it with the send button. */
async function type(el: GeminiLiveElement, text: string): Promise<void> {
  const input = part<HTMLInputElement>(el, 'text-input')!;
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.updateComplete;
  part(el, 'send')!.click();
}

describe('<gemini-live text-only>', () => {
  let el: GeminiLiveElement | undefined;
  let microphone: ReturnType<typeof watchMicrophone> | undefined;

  beforeEach(() => resetSimulator({ speed: 4 }));
  afterEach(async () => {
    microphone?.restore();
    microphone = undefined;
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  it('shows the text box, converses without asking for the microphone, and plays the spoken answer', async () => {
    microphone = watchMicrophone();
    el = await liveElement(html`<gemini-live text-only></gemini-live>`);
    expect(part(el, 'text-input'), 'the text box before any start').to.exist;
    expect(part(el, 'mute')!.textContent!.trim()).to.equal('Speak instead');
    expect(part(el, 'transcript')!.textContent).to.contain('Type a message to start');
    await expect(el).to.be.accessible();

    await el.start();
    expect(el.state).to.equal('listening');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.equal('Type your message');
    await type(el, 'What is the weather like?');
    await waitFor(() => el!.transcript.some((turn) => turn.role === 'model' && turn.final), { message: 'an answer' });
    expect(el.transcript[0]).to.include({ role: 'user', text: 'What is the weather like?' });
    const [record] = await connections();
    expect(record.texts.map((text) => text.text)).to.deep.equal(['What is the weather like?']);
    expect(record.audio.chunks, 'no microphone audio').to.equal(0);
    expect(record.setup!.generationConfig.responseModalities).to.deep.equal(['AUDIO']);
    expect(microphone.requests, 'microphone requests').to.equal(0);
    expect(el.outputStream, 'the answer is spoken').to.be.an.instanceOf(MediaStream);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('starts from the first typed message, and answers in text with response-modality="text"', async () => {
    microphone = watchMicrophone();
    el = await liveElement(html`<gemini-live text-only response-modality="text"></gemini-live>`);
    await type(el, 'Hello there');
    await waitFor(() => el!.transcript.some((turn) => turn.role === 'model' && turn.final), { message: 'an answer' });
    expect(el.state).to.be.oneOf(['listening', 'speaking']);
    expect(microphone.requests).to.equal(0);
    const [record] = await connections();
    expect(record.texts.map((text) => text.text)).to.deep.equal(['Hello there']);
  });

  it('moves from typing to talking: the microphone is asked for only then, and its audio goes out', async () => {
    microphone = watchMicrophone();
    el = await liveElement(html`<gemini-live text-only></gemini-live>`);
    await el.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await connections())[0].audio.chunks).to.equal(0);
    expect(microphone.requests).to.equal(0);

    part(el, 'mute')!.click();
    await waitFor(async () => (await connections())[0].audio.chunks > 3, { message: 'microphone audio' });
    expect(microphone.requests).to.equal(1);
    await el.updateComplete;
    const mute = part(el, 'mute')!;
    expect(mute.textContent!.trim()).to.equal('Mute microphone');
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(part(el, 'status')!.textContent).to.equal('Listening');
    // From now on it is an ordinary mute control.
    mute.click();
    await el.updateComplete;
    expect(el.muted).to.equal(true);
    expect(microphone.requests).to.equal(1);
    await expect(el).to.be.accessible();
  });

  it('"Speak instead" before any start starts the conversation with the microphone', async () => {
    microphone = watchMicrophone();
    el = await liveElement(html`<gemini-live text-only></gemini-live>`);
    part(el, 'mute')!.click();
    await waitFor(() => microphone!.requests === 1, { message: 'the microphone asked for' });
    await waitFor(async () => (await connections())[0]?.audio.chunks > 3, { message: 'microphone audio' });
    expect(el.state).to.be.oneOf(['listening', 'speaking']);
    expect(microphone.requests).to.equal(1);
  });

  it('"Speak instead" while connecting opens the microphone once connected', async () => {
    microphone = watchMicrophone();
    el = await liveElement(html`<gemini-live text-only></gemini-live>`);
    const started = el.start();
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    part(el, 'mute')!.click();
    await started;
    await waitFor(async () => (await connections())[0]?.audio.chunks > 3, { message: 'microphone audio' });
    expect(microphone.requests).to.equal(1);
    await el.updateComplete;
    expect(part(el, 'mute')!.textContent!.trim()).to.equal('Mute microphone');
  });

  it('leaves the space bar to typing in a typed push-to-talk conversation', async () => {
    microphone = watchMicrophone();
    el = await liveElement(html`<gemini-live text-only mode="push-to-talk"></gemini-live>`);
    await el.start();
    await el.updateComplete;
    expect(part(el, 'talk'), 'no talk control while typed').to.equal(null);
    const down = new KeyboardEvent('keydown', { key: ' ', bubbles: true, composed: true, cancelable: true });
    part(el, 'panel')!.dispatchEvent(down);
    expect(down.defaultPrevented, 'the space bar is not taken').to.equal(false);
    part(el, 'panel')!.dispatchEvent(new KeyboardEvent('keyup', { key: ' ', bubbles: true, composed: true }));
    expect(microphone.requests).to.equal(0);
  });

  it('keeps the typed conversation going when the microphone is refused', async () => {
    microphone = watchMicrophone(true);
    el = await liveElement(html`<gemini-live text-only></gemini-live>`);
    await el.start();
    const error = oneEvent(el, 'gemini-live-error');
    part(el, 'mute')!.click();
    expect((await error).detail).to.include({ code: 'mic-denied', recoverable: true });
    await el.updateComplete;
    expect(el.state).to.equal('listening');
    expect(part(el, 'error')!.textContent).to.contain('Allow the microphone');
    expect(part(el, 'mute')!.textContent!.trim(), 'still offered').to.equal('Speak instead');
    await expect(el).to.be.accessible();
    await type(el, 'Typing still works');
    await waitFor(() => el!.transcript.some((turn) => turn.role === 'model' && turn.final), { message: 'an answer' });
  });
});
