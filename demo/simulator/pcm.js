// @ts-check
/**
 * PCM16 helpers: base64 transport, loudness, WAV parsing and synthetic signals.
 */

/**
 * Decodes base64 16-bit little-endian PCM into samples (a trailing odd byte is dropped).
 * @param {string} base64
 * @returns {Int16Array}
 */
export function base64ToPcm16(base64) {
  const bytes = Buffer.from(base64, 'base64');
  return bytesToPcm16(bytes);
}

/**
 * @param {Uint8Array} bytes little-endian PCM16
 * @returns {Int16Array}
 */
export function bytesToPcm16(bytes) {
  const count = bytes.length >> 1;
  const samples = new Int16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(i * 2, true);
  return samples;
}

/**
 * Encodes samples as base64 16-bit little-endian PCM.
 * @param {Int16Array} samples
 */
export function pcm16ToBase64(samples) {
  const bytes = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i], i * 2);
  return bytes.toString('base64');
}

/**
 * Byte length of base64 data without decoding it.
 * @param {string} base64
 */
export function base64ByteLength(base64) {
  const length = base64.length;
  if (length === 0) return 0;
  let padding = 0;
  if (base64.endsWith('==')) padding = 2;
  else if (base64.endsWith('=')) padding = 1;
  return Math.floor((length * 3) / 4) - padding;
}

/**
 * Root mean square of a sample range, as a fraction of full scale (0…1).
 * @param {Int16Array} samples
 * @param {number} [start]
 * @param {number} [end]
 */
export function rms(samples, start = 0, end = samples.length) {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / (end - start)) / 32768;
}

/**
 * @param {number} db decibels relative to full scale
 */
export function dbToLinear(db) {
  return Math.pow(10, db / 20);
}

/**
 * Parses the sample rate from a mime type such as `audio/pcm;rate=16000`.
 * @param {string | undefined} mimeType
 * @param {number} fallback
 */
export function sampleRateOf(mimeType, fallback) {
  const match = /rate\s*=\s*(\d+)/i.exec(mimeType ?? '');
  const rate = match ? Number(match[1]) : NaN;
  return Number.isFinite(rate) && rate > 0 ? rate : fallback;
}

/**
 * Reads a PCM16 WAV file (mono or the first channel of several).
 * @param {Uint8Array} bytes
 * @returns {{ sampleRate: number, samples: Int16Array }}
 */
export function parseWav(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (/** @type {number} */ at) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('Not a WAV file');
  let offset = 12;
  let sampleRate = 0;
  let channels = 1;
  let bitsPerSample = 16;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    // espeak writes a placeholder size for the data chunk when streaming; trust the file length instead.
    let size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bitsPerSample = view.getUint16(body + 14, true);
    } else if (id === 'data') {
      if (bitsPerSample !== 16) throw new Error(`Unsupported WAV sample size ${bitsPerSample}`);
      if (size === 0 || body + size > bytes.length) size = bytes.length - body;
      const frames = Math.floor(size / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = view.getInt16(body + i * 2 * channels, true);
      return { sampleRate, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

/**
 * A soft tone whose loudness rises and falls a few times a second, so it reads as "speech-like" to an energy
 * detector and is audibly not silence; 10 ms fades avoid clicks.
 * @param {number} durationMs
 * @param {number} sampleRate
 * @param {{ frequency?: number, amplitude?: number }} [options]
 */
export function speechLikeTone(durationMs, sampleRate, { frequency = 220, amplitude = 0.2 } = {}) {
  const count = Math.max(0, Math.round((durationMs / 1000) * sampleRate));
  const samples = new Int16Array(count);
  const fade = Math.min(Math.round(sampleRate * 0.01), count >> 1);
  for (let i = 0; i < count; i++) {
    const t = i / sampleRate;
    const syllables = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t);
    let gain = amplitude * syllables;
    if (i < fade) gain *= i / fade;
    else if (i >= count - fade) gain *= (count - 1 - i) / fade;
    samples[i] = Math.round(32767 * gain * Math.sin(2 * Math.PI * frequency * t));
  }
  return samples;
}
