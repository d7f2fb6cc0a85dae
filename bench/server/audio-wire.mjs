// The Live API messages of a voice session as the element and the service send them, with a send time written
// into each. The time replaces the first characters of the base64 audio: digits are base64 characters, and 12 of
// them keep the rest of the payload aligned, so every message stays valid JSON (and valid base64) of its real
// size, and the receiver reads the time at a fixed offset without decoding or parsing anything.
import { performance } from 'node:perf_hooks';

/** Microphone audio: 20 ms of 16 kHz PCM16 per message, 50 a second. */
export const UP = { rate: 16000, ms: 20, perSecond: 50 };
/** Model audio: 40 ms of 24 kHz PCM16 per message, 25 a second. */
export const DOWN = { rate: 24000, ms: 40, perSecond: 25 };

const STAMP_DIGITS = 12;

export const SETUP = Buffer.from(JSON.stringify({ setup: { model: 'models/x' } }));
export const SETUP_COMPLETE = Buffer.from(JSON.stringify({ setupComplete: {} }));

/** Now, in whole microseconds of this process's monotonic clock (both ends of every message use it). */
export const nowMicros = () => Math.round(performance.now() * 1000);

/** A tone rather than silence, so the base64 looks like real audio. */
function pcmBase64({ rate, ms }) {
  const samples = (rate * ms) / 1000;
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  return pcm.toString('base64');
}

/** A message with its audio, and where its send time goes. */
function template(before, after, audio) {
  const bytes = Buffer.from(`${before}${pcmBase64(audio)}${after}`);
  return { bytes, stampAt: Buffer.byteLength(before) };
}

/** `{"realtimeInput":{"audio":{"data":…,"mimeType":"audio/pcm;rate=16000"}}}`, exactly as the element sends it. */
export const MICROPHONE = template('{"realtimeInput":{"audio":{"data":"', '","mimeType":"audio/pcm;rate=16000"}}}', UP);

/** A model turn carrying one piece of audio, as the service sends it (in binary frames). */
export const MODEL_AUDIO = template(
  '{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"',
  '"}}]}}}',
  DOWN,
);

/**
 * A fresh copy of the message with `micros` in it. A copy each time because `ws` may still hold the previous
 * one in its write queue when the next is sent.
 */
export function stamped(message, micros) {
  const frame = Buffer.allocUnsafe(message.bytes.length);
  message.bytes.copy(frame);
  let value = micros;
  for (let i = message.stampAt + STAMP_DIGITS - 1; i >= message.stampAt; i--) {
    frame[i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
  return frame;
}

/** The send time in a received message; NaN when the bytes there are not digits. */
export function stampOf(message, data) {
  let value = 0;
  const end = message.stampAt + STAMP_DIGITS;
  if (data.length < end) return Number.NaN;
  for (let i = message.stampAt; i < end; i++) {
    const digit = data[i] - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}
