import { expect, html, oneEvent } from '@open-wc/testing';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { connections, resetSimulator, waitFor } from '../../support/simulator.js';
import { liveElement, part } from '../../support/element.js';
import { FAKE_SCREEN, itOnlyIn } from '../../support/engine.js';

const preview = (el: GeminiLiveElement) => part<HTMLVideoElement>(el, 'video-preview');

const cameraElement = () => html`<gemini-live video="camera" video-fps="2"></gemini-live>`;

/** Waits until the preview shows the shared stream: it is attached, live, and has decoded a frame. */
async function previewShowing(el: GeminiLiveElement): Promise<MediaStreamTrack> {
  await el.updateComplete;
  const video = await waitFor(() => {
    const found = preview(el);
    return found && found.srcObject instanceof MediaStream && found.videoWidth > 0 ? found : undefined;
  }, { message: 'the preview playing' });
  const [track] = (video.srcObject as MediaStream).getVideoTracks();
  expect(track.readyState).to.equal('live');
  return track;
}

const totalFrames = async () => (await connections()).reduce((sum, record) => sum + record.video.count, 0);

describe('<gemini-live video>', () => {
  let el: GeminiLiveElement | undefined;

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
  });

  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  it('has no video control unless video is camera or screen; it waits for a conversation', async () => {
    el = await liveElement(html`<gemini-live></gemini-live>`);
    expect(part(el, 'video')).to.be.null;
    el.remove();
    el = await liveElement(cameraElement());
    const button = part<HTMLButtonElement>(el, 'video')!;
    expect(button).to.exist;
    expect(button.disabled).to.be.true;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    expect(button.textContent).to.contain('Share camera');
    expect(preview(el)).to.be.null;
    await expect(el).to.be.accessible();
    // Nothing is asked for before the user starts: the method reports not-connected.
    const error = oneEvent(el, 'gemini-live-error');
    await el.startVideo().catch(() => undefined);
    expect((await error).detail.code).to.equal('not-connected');
    expect(el.videoActive).to.be.false;
  });

  it('shares the camera from the video control: live preview, frames at video-fps, and off again', async () => {
    el = await liveElement(cameraElement());
    await el.start();
    await el.updateComplete;
    const button = part<HTMLButtonElement>(el, 'video')!;
    expect(button.disabled).to.be.false;
    button.click();
    await waitFor(() => el!.videoActive, { message: 'video on' });
    const track = await previewShowing(el);
    expect(track.kind).to.equal('video');
    expect(part(el, 'video')!.getAttribute('aria-pressed')).to.equal('true');
    expect(part(el, 'video')!.textContent).to.contain('Stop sharing');
    expect(preview(el)!.getAttribute('aria-label')).to.equal('What you are sharing');
    await expect(el).to.be.accessible();

    const record = await waitFor(async () => {
      const [r] = await connections();
      return r && r.video.count >= 7 ? r : undefined;
    }, { message: 'seven frames' });
    const { frames } = record.video;
    // video-fps="2": a frame every 500 ms, from the second frame on (the first waits for the encoder worker to
    // start). A frame is skipped, by design, while the previous one is still encoding, which WebKitGTK's slow
    // encodes do on a busy machine, and encode times shift arrivals by a few hundred ms: so the shortest of six
    // intervals, which 2 fps keeps near 500 ms and 1 fps would put near 1000, and no burst.
    const intervals = frames.slice(2, 7).map((frame, i) => frame.at - frames[i + 1].at).sort((a, b) => a - b);
    expect(intervals[0]).to.be.within(100, 700);
    expect(frames.every((frame) => frame.mimeType === 'image/jpeg')).to.be.true;

    part(el, 'video')!.click();
    await el.updateComplete;
    expect(el.videoActive).to.be.false;
    expect(track.readyState).to.equal('ended');
    expect(preview(el)).to.be.null;
    expect(part(el, 'video')!.getAttribute('aria-pressed')).to.equal('false');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = await totalFrames();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await totalFrames()).to.equal(stopped);
    expect(el.state).to.equal('listening');
    await expect(el).to.be.accessible();
  });

  itOnlyIn(['chromium'], FAKE_SCREEN, 'shares the screen with video="screen"', async () => {
    el = await liveElement(html`<gemini-live video="screen"></gemini-live>`);
    await el.start();
    await el.updateComplete;
    expect(part(el, 'video')!.textContent).to.contain('Share screen');
    part(el, 'video')!.click();
    await waitFor(() => el!.videoActive, { message: 'screen sharing on' });
    const track = await previewShowing(el);
    expect(track.getSettings().displaySurface).to.be.a('string');
    await waitFor(async () => (await totalFrames()) >= 1, { message: 'a screen frame' });
    await expect(el).to.be.accessible();
  });

  itOnlyIn(['chromium'], FAKE_SCREEN, 'switches camera → screen with startVideo() and updates the preview', async () => {
    el = await liveElement(cameraElement());
    await el.start();
    await el.startVideo('camera');
    const camera = await previewShowing(el);
    await el.startVideo('screen');
    const screen = await previewShowing(el);
    expect(screen).to.not.equal(camera);
    expect(camera.readyState).to.equal('ended');
    expect(screen.getSettings().displaySurface).to.be.a('string');
  });

  it('follows the browser ending the share: preview gone, control released, conversation on', async () => {
    el = await liveElement(cameraElement());
    await el.start();
    await el.startVideo();
    const track = await previewShowing(el);
    track.dispatchEvent(new Event('ended'));
    await el.updateComplete;
    expect(el.videoActive).to.be.false;
    expect(preview(el)).to.be.null;
    expect(part(el, 'video')!.getAttribute('aria-pressed')).to.equal('false');
    expect(el.state).to.equal('listening');
  });

  it('releases the camera on stop()', async () => {
    el = await liveElement(cameraElement());
    await el.start();
    await el.startVideo();
    const track = await previewShowing(el);
    await el.stop();
    expect(track.readyState).to.equal('ended');
    await el.updateComplete;
    expect(preview(el)).to.be.null;
    expect(el.videoActive).to.be.false;
  });

  it('releases the camera when the element is removed', async () => {
    el = await liveElement(cameraElement());
    await el.start();
    await el.startVideo();
    const track = await previewShowing(el);
    el.remove();
    await waitFor(() => track.readyState === 'ended', { timeout: 3000, message: 'the camera track ended' });
    await waitFor(async () => (await connections()).every((record) => record.close), { message: 'the socket closed' });
  });
});
