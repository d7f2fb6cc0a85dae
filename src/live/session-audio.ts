import type { AudioEngine } from '../audio/audio-engine.js';
import type { LiveSessionOptions } from './live-session-options.js';
import { LiveError, microphoneError } from './errors.js';
import { errorMessage } from '../shared/error-message.js';

/**
 * Loads the audio engine (a chunk of its own) and hands it `context`, which it owns from then on. If the engine
 * cannot be loaded, no engine will own the context: it is closed here.
 */
export async function loadAudioEngine(context: AudioContext): Promise<AudioEngine> {
  let engineModule: typeof import('../audio/audio-engine.js');
  try {
    engineModule = await import('../audio/audio-engine.js');
  } catch (cause) {
    await context.close().catch(() => undefined);
    throw new LiveError('audio-failed', `The audio engine could not be loaded: ${String(cause)}`, true, { cause });
  }
  return new engineModule.AudioEngine({ context });
}

/**
 * Starts loading what a session needs besides its own chunk (the SDK's Live module and the audio engine), so that
 * a start shortly after (the pointer is on the start button) does not wait for them.
 */
export function prefetchSessionDependencies(): void {
  void import('./sdk-live.js').catch(() => undefined);
  void import('../audio/audio-engine.js').catch(() => undefined);
}

/** Resolves once `engine`'s worklets are loaded; a failure is an `audio-failed` error. */
export function workletsReady(engine: AudioEngine): Promise<void> {
  return engine.ready().then(
    () => undefined,
    (cause: unknown) => {
      throw new LiveError('audio-failed', `The audio worklets could not be loaded: ${errorMessage(cause)}`, true, { cause });
    },
  );
}

/**
 * Opens the microphone on `engine` while its worklets load; resolves once audio flows. A worklet failure is an
 * audio failure, not a microphone one.
 */
export async function startMicrophone(engine: AudioEngine, options: LiveSessionOptions, signal: AbortSignal, deviceId?: string): Promise<void> {
  const ready = workletsReady(engine);
  ready.catch(() => undefined);
  try {
    await engine.startCapture({
      chunkMs: clamp(options.chunkMs, 10, 100, 20),
      audioProcessing: options.audioProcessing,
      bargeIn: options.bargeIn,
      deviceId,
      constraints: options.audioConstraints,
      signal,
    });
  } catch (cause) {
    await ready;
    if (cause instanceof LiveError) throw cause;
    throw microphoneError(cause);
  }
  await ready;
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
