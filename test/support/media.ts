/** Records every stream `getUserMedia` hands out, for tests that check each track is released. */
export interface UserMediaRecorder {
  /** Every stream handed out since `recordUserMedia()`, in order. */
  readonly streams: MediaStream[];
  /** Every track of those streams. */
  tracks(): MediaStreamTrack[];
  /** Puts the browser's own getUserMedia back. */
  restore(): void;
}

/** Wraps `navigator.mediaDevices.getUserMedia` (optionally delaying it) to record what it hands out. */
export function recordUserMedia({ delayMs = 0 } = {}): UserMediaRecorder {
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  const streams: MediaStream[] = [];
  media.getUserMedia = async (constraints) => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const stream = await getUserMedia(constraints);
    streams.push(stream);
    return stream;
  };
  return {
    streams,
    tracks: () => streams.flatMap((stream) => stream.getTracks()),
    // The wrapper is an own property over MediaDevices.prototype's method.
    restore: () => delete (media as Partial<MediaDevices>).getUserMedia,
  };
}
