/**
 * The voice's level, from the playback processor to the capture processor. Both run in the same
 * AudioWorkletGlobalScope (one per AudioContext, on the audio rendering thread), but are bundled as separate
 * modules: they meet on one array kept on the scope's global object. No messages, so no latency and nothing
 * allocated per render quantum.
 */

// A registered symbol, so both modules' copies of this file find the same slot.
const SLOT = Symbol.for('gemini-live:voice-level');

// [level, frame]: the largest voice level written for the render quantum starting at `frame`.
function slot(): Float64Array {
  const scope = globalThis as unknown as Record<symbol, Float64Array | undefined>;
  return (scope[SLOT] ??= Float64Array.of(0, -Infinity));
}

/** Playback side: the voice's level (a `VoiceEnvelope`'s) for the quantum starting at `frame`. */
export function publishVoiceLevel(level: number, frame: number): void {
  const shared = slot();
  // Two playback processors in one context: the louder voice counts.
  if (shared[1] === frame) shared[0] = Math.max(shared[0], level);
  else {
    shared[0] = level;
    shared[1] = frame;
  }
}

/**
 * Capture side: the voice's level at the quantum starting at `frame` (`quantum` frames long); 0 when no playback
 * processor wrote one in this quantum or the one before (the graph may run either first): none is running.
 */
export function voiceLevelAt(frame: number, quantum: number): number {
  const shared = slot();
  return frame - shared[1] <= quantum ? shared[0] : 0;
}
