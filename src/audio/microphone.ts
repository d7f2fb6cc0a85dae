/** How to open the microphone. */
export interface MicrophoneOptions {
  /**
   * Echo cancellation, noise suppression and automatic gain control (default true). Echo cancellation is what
   * keeps the model from hearing itself through the speakers; turn it off only for headsets or measurements.
   */
  audioProcessing?: boolean;
  /**
   * The microphone to ask for (`MediaDeviceInfo.deviceId`), as `ideal`: a device that is gone, or an id iOS does
   * not take as `exact`, gives the default microphone rather than an error. Unset: the default.
   */
  deviceId?: string;
  /** Merged over the defaults, so a caller can pick a `deviceId` or override any single setting. */
  constraints?: MediaTrackConstraints;
  /** Aborts the wait for permission; a stream granted afterwards is stopped at once. */
  signal?: AbortSignal;
}

/** The audio constraints for `getUserMedia`: mono, with or without the browser's voice processing. */
export function microphoneConstraints(options: MicrophoneOptions = {}): MediaTrackConstraints {
  const processing = options.audioProcessing ?? true;
  return {
    echoCancellation: processing,
    noiseSuppression: processing,
    autoGainControl: processing,
    channelCount: 1,
    ...(options.deviceId ? { deviceId: { ideal: options.deviceId } } : {}),
    ...options.constraints,
  };
}

/** Stops every track of `stream`. */
export function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/**
 * Asks for the microphone. Rejects with `getUserMedia`'s own `DOMException` (`NotAllowedError`,
 * `NotFoundError`, `NotReadableError`, `OverconstrainedError`…) so callers can tell the cases apart; with a
 * `NotSupportedError` where the page cannot ask at all (an insecure context); with the signal's reason when
 * aborted.
 */
export function openMicrophone(options: MicrophoneOptions = {}): Promise<MediaStream> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!devices?.getUserMedia) {
    return Promise.reject(
      new DOMException('Microphone access needs a secure context (https: or localhost).', 'NotSupportedError'),
    );
  }
  const request = devices.getUserMedia({ audio: microphoneConstraints(options), video: false });
  if (!signal) return request;

  return new Promise<MediaStream>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    request.then(
      (stream) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          stopStream(stream);
          reject(signal.reason);
        } else {
          resolve(stream);
        }
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
