// @ts-check
import { pcm16ToBase64 } from './pcm.js';
import { OUTPUT_SAMPLE_RATE } from './speech.js';

export const OUTPUT_MIME_TYPE = `audio/pcm;rate=${OUTPUT_SAMPLE_RATE}`;

/**
 * Splits text into transcript pieces of a few words whose concatenation is the text (pieces after the first
 * keep their leading space, like the service's transcription pieces).
 * @param {string} text
 * @param {number} [wordsPerPiece]
 * @returns {string[]}
 */
export function splitIntoPieces(text, wordsPerPiece = 3) {
  const words = text.trim().match(/\S+/g) ?? [];
  /** @type {string[]} */
  const pieces = [];
  for (let i = 0; i < words.length; i += wordsPerPiece) {
    const piece = words.slice(i, i + wordsPerPiece).join(' ');
    pieces.push(i === 0 ? piece : ` ${piece}`);
  }
  return pieces;
}

/** Fragment lengths, cycled: the service's transcription comes in sub-word pieces ("Ca", "n I", …). */
const FRAGMENT_LENGTHS = [2, 3, 5, 4, 3, 6];

/**
 * Splits text into sub-word transcription fragments whose concatenation is exactly the text, as the service's
 * `inputTranscription` / `outputTranscription` pieces are.
 * @param {string} text
 * @returns {string[]}
 */
export function splitIntoFragments(text) {
  /** @type {string[]} */
  const fragments = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const length = FRAGMENT_LENGTHS[i % FRAGMENT_LENGTHS.length];
    fragments.push(text.slice(at, at + length));
    at += length;
  }
  return fragments;
}

/**
 * Transcription messages for fragments; the last carries `finished: true`, which ends that side's caption.
 * @param {'inputTranscription' | 'outputTranscription'} side
 * @param {string[]} fragments
 * @returns {Array<Record<string, any>>}
 */
export function transcriptionMessages(side, fragments) {
  return fragments.map((text, index) => ({
    serverContent: { [side]: index === fragments.length - 1 ? { text, finished: true } : { text } },
  }));
}

/**
 * @typedef {object} StreamPlan
 * @property {Int16Array | null} audio 24 kHz PCM16 to send as `inlineData` chunks, or null for a text answer
 * @property {string[]} transcript `outputTranscription` pieces spread over the audio (empty for none)
 * @property {string[]} textParts `modelTurn` text parts for a text answer
 * @property {Array<() => void>} [afterFirstAudio] run right after the first audio chunk (or first text part) is
 *   sent: the user's late transcription, a non-blocking tool call
 */

/**
 * @typedef {object} PacingOptions
 * @property {number} chunkMs audio per message
 * @property {number} aheadMs how far the sender runs ahead of real time (the service front-loads a little)
 * @property {number} speed 1 = real time; larger sends faster (tests); 0 or Infinity = no pacing
 * @property {number} textPieceMs gap between text parts at speed 1
 * @property {boolean} [combine] put the output transcription in the same message as the audio it belongs to
 */

/**
 * Sends one model turn's content, paced like the live service: audio in fixed-size chunks a little ahead of
 * real time, transcription pieces when the audio reaches them, text parts a few words at a time. It only
 * sends content; the caller adds `generationComplete`/`turnComplete` when `done` resolves true.
 */
export class ModelTurnStream {
  /**
   * @param {StreamPlan} plan
   * @param {PacingOptions} pacing
   * @param {(message: Record<string, any>) => void} send
   */
  constructor(plan, pacing, send) {
    this.plan = plan;
    this.pacing = pacing;
    this.send = send;
    this.cancelled = false;
    this.sentSomething = false;
    /** Milliseconds of audio sent so far. */
    this.sentAudioMs = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {(finished: boolean) => void} */
    this.settle = () => {};
    /** Resolves true when everything was sent, false when cancelled. */
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get unpaced() {
    const { speed } = this.pacing;
    return !(speed > 0) || speed === Infinity;
  }

  start() {
    this.startedAt = performance.now();
    if (this.plan.audio) this.#audioLoop(0, 0);
    else this.#textLoop(0);
    return this.done;
  }

  /** Runs what waits for the first content, once. */
  #afterFirst() {
    const actions = this.plan.afterFirstAudio ?? [];
    this.plan.afterFirstAudio = [];
    for (const action of actions) action();
  }

  /** Stops sending; returns whether any content had been sent. */
  cancel() {
    if (this.cancelled) return this.sentSomething;
    this.cancelled = true;
    clearTimeout(this.timer);
    this.settle(false);
    return this.sentSomething;
  }

  /**
   * @param {number} sample next audio sample to send
   * @param {number} piece next transcript piece
   */
  #audioLoop(sample, piece) {
    if (this.cancelled) return;
    const audio = /** @type {Int16Array} */ (this.plan.audio);
    const { transcript } = this.plan;
    const chunkSamples = Math.max(1, Math.round((this.pacing.chunkMs / 1000) * OUTPUT_SAMPLE_RATE));
    const elapsed = this.unpaced ? Infinity : (performance.now() - /** @type {number} */ (this.startedAt)) * this.pacing.speed;
    // Each transcript piece is due when the audio reaches its share of the total length.
    const pieceDue = (/** @type {number} */ index) => Math.floor((index / transcript.length) * audio.length);
    let budget = this.unpaced ? 8 : Infinity;
    const transcription = (/** @type {number} */ index) =>
      index === transcript.length - 1 ? { text: transcript[index], finished: true } : { text: transcript[index] };
    while (sample < audio.length && this.sentAudioMs < elapsed + this.pacing.aheadMs && budget-- > 0) {
      const due = [];
      while (piece < transcript.length && pieceDue(piece) <= sample) due.push(piece++);
      /** @type {Record<string, any>} */
      const content = {};
      if (this.pacing.combine && due.length > 0) {
        // One message carries the audio and the words it speaks.
        const last = due[due.length - 1];
        const text = due.map((index) => transcript[index]).join('');
        content.outputTranscription = last === transcript.length - 1 ? { text, finished: true } : { text };
      } else {
        for (const index of due) this.send({ serverContent: { outputTranscription: transcription(index) } });
      }
      const end = Math.min(audio.length, sample + chunkSamples);
      content.modelTurn = { parts: [{ inlineData: { mimeType: OUTPUT_MIME_TYPE, data: pcm16ToBase64(audio.subarray(sample, end)) } }] };
      this.send({ serverContent: content });
      if (!this.sentSomething) {
        this.sentSomething = true;
        this.#afterFirst();
      }
      this.sentAudioMs += ((end - sample) / OUTPUT_SAMPLE_RATE) * 1000;
      sample = end;
      if (this.cancelled) return;
    }
    if (sample >= audio.length) {
      while (piece < transcript.length) this.send({ serverContent: { outputTranscription: transcription(piece++) } });
      this.#afterFirst();
      this.settle(true);
      return;
    }
    const wait = this.unpaced ? 0 : Math.max(4, this.pacing.chunkMs / this.pacing.speed / 2);
    this.timer = setTimeout(() => this.#audioLoop(sample, piece), wait);
  }

  /** @param {number} index next text part */
  #textLoop(index) {
    if (this.cancelled) return;
    const parts = this.plan.textParts;
    if (index >= parts.length) {
      this.#afterFirst();
      this.settle(true);
      return;
    }
    this.send({ serverContent: { modelTurn: { parts: [{ text: parts[index] }] } } });
    this.sentSomething = true;
    if (index === 0) this.#afterFirst();
    const wait = this.unpaced ? 0 : this.pacing.textPieceMs / this.pacing.speed;
    this.timer = setTimeout(() => this.#textLoop(index + 1), wait);
  }
}
