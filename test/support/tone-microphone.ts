// A microphone the test controls, and what reaches the simulator while the model speaks: for the echo guard.
import type { GeminiLiveElement } from '../../src/gemini-live.js';
import { connections, control, waitFor } from './simulator.js';
import { engineOf } from './element.js';

/** Every microphone the page opens from now on is this one: its level is what the test sets: a 1 kHz tone at `peakDb` dBFS (echo at −30, a visitor at −6). */
export function toneMicrophone() {
  const context = new AudioContext();
  const oscillator = new OscillatorNode(context, { frequency: 1000 });
  const gain = new GainNode(context, { gain: 0 });
  const destination = context.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  const getUserMedia = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = async () => new MediaStream(destination.stream.getAudioTracks().map((track) => track.clone()));
  return {
    level(peakDb: number) {
      gain.gain.setValueAtTime(10 ** (peakDb / 20), context.currentTime);
    },
    async restore() {
      MediaDevices.prototype.getUserMedia = getUserMedia;
      await context.close();
    },
  };
}

/** `seconds` of a steady 220 Hz tone at `peakDb` dBFS, as 24 kHz PCM16 in base64: the model's voice here. */
function steadyVoice(seconds: number, peakDb: number): string {
  const pcm = new Int16Array(Math.round(24000 * seconds));
  const amplitude = 32767 * 10 ** (peakDb / 20);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 220 * i) / 24000));
  const bytes = new Uint8Array(pcm.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const soundChunks = async () => (await connections())[0]?.audio.soundChunks ?? 0;

/**
 * Chunks with sound that reached the simulator while a steady model voice at −9 dBFS, `seconds` long, played.
 * `onSpeaking` runs once the voice plays (to bring in a microphone kept silent until then: sound from before the
 * voice, still on its way on a loaded machine, would otherwise be counted).
 */
export async function whileTheModelSpeaks(
  el: GeminiLiveElement,
  seconds: number,
  onSpeaking?: () => void,
): Promise<{ sound: number; chunks: number }> {
  await control({ action: 'turn', text: 'An answer to talk over.', audioBase64: steadyVoice(seconds, -9) });
  await waitFor(() => el.state === 'speaking', { message: 'the model speaking' });
  onSpeaking?.();
  // Counted well inside the answer: from 100 ms after the playback worklet has rendered 100 ms of the voice (a
  // loaded engine may start it late), as chunks captured before the voice began may still be on their way; and
  // closed 0.6 s before the voice ends, where the microphone passes again (or, past 3 s of voice, `auto` trusts
  // the canceller), for a loaded machine's late timers.
  await waitFor(() => (engineOf(el)?.played().playedMs ?? 0) >= 100, { message: 'the voice rendering' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const [sound, chunks] = [await soundChunks(), (await connections())[0].audio.chunks];
  await new Promise((resolve) => setTimeout(resolve, (seconds - 0.7) * 1000));
  const after = (await connections())[0].audio;
  await waitFor(() => el.state === 'listening', { message: 'the answer played out', timeout: (seconds + 5) * 1000 });
  return { sound: after.soundChunks - sound, chunks: after.chunks - chunks };
}

