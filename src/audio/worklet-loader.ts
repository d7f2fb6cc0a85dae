import { captureProcessorUrl, playbackProcessorUrl } from '../worklet-urls.js';

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/**
 * Adds the capture and playback processor modules to `context`, once: every later call for the same context
 * returns the same promise. A failed load is forgotten so a later call can try again.
 */
export function loadAudioWorklets(context: BaseAudioContext): Promise<void> {
  let promise = loaded.get(context);
  if (!promise) {
    promise = Promise.all([
      context.audioWorklet.addModule(captureProcessorUrl()),
      context.audioWorklet.addModule(playbackProcessorUrl()),
    ]).then(
      () => undefined,
      (error: unknown) => {
        loaded.delete(context);
        throw error;
      },
    );
    loaded.set(context, promise);
  }
  return promise;
}
