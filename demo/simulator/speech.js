// @ts-check
import { Worker } from 'node:worker_threads';
import { speechLikeTone } from './pcm.js';
import { espeakVoiceFor } from './voices.js';

export const OUTPUT_SAMPLE_RATE = 24000;

/**
 * @typedef {'espeak' | 'tone' | 'silence'} VoiceMode
 * `espeak`: real speech from espeak-ng; `tone`: a speech-like tone of the same length; `silence`: zeros.
 */

/**
 * @typedef {object} Utterance
 * @property {Int16Array} samples 24 kHz mono PCM16; shared with the cache, never mutate
 * @property {VoiceMode} engine what actually produced it (espeak falls back to a tone if it fails)
 */

/** Roughly how long a sentence takes to say at the persona's pace. @param {string} text */
export function estimateSpeechMs(text) {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(400, Math.round(words * 340 + 150));
}

const WORDS_PER_MINUTE = 175;
const CACHE_LIMIT = 128;

/** @type {Map<string, Int16Array>} utterances by voice and text, oldest first */
const cache = new Map();

/**
 * One worker for the whole process: the wasm module is compiled once and shared by every simulator.
 * @type {{ worker: Worker, users: number, nextId: number, pending: Map<number, { resolve: (s: Int16Array) => void, reject: (e: Error) => void }> } | undefined}
 */
let shared;

function acquireWorker() {
  if (!shared) {
    const worker = new Worker(new URL('./speech-worker.js', import.meta.url));
    worker.unref();
    const state = { worker, users: 0, nextId: 1, pending: new Map() };
    worker.on('message', (/** @type {{ id: number, samples?: Int16Array, error?: string }} */ message) => {
      const entry = state.pending.get(message.id);
      if (!entry) return;
      state.pending.delete(message.id);
      if (state.pending.size === 0) worker.unref();
      if (message.samples) entry.resolve(message.samples);
      else entry.reject(new Error(message.error ?? 'speech synthesis failed'));
    });
    const failAll = (/** @type {Error} */ error) => {
      for (const entry of state.pending.values()) entry.reject(error);
      state.pending.clear();
      if (shared === state) shared = undefined;
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`speech worker exited with code ${code}`)));
    shared = state;
  }
  shared.users++;
  return shared;
}

function releaseWorker() {
  if (!shared) return;
  shared.users--;
  if (shared.users <= 0) {
    const { worker } = shared;
    shared = undefined;
    void worker.terminate();
  }
}

/**
 * Turns the persona's sentences into 24 kHz PCM16.
 */
export class SpeechSynthesizer {
  /**
   * @param {{ mode?: VoiceMode, log?: (line: string) => void }} [options]
   */
  constructor({ mode = 'espeak', log } = {}) {
    /** @type {VoiceMode} */
    this.mode = mode;
    this.log = log;
    this.usesWorker = false;
    this.warned = false;
  }

  /**
   * @param {VoiceMode} mode
   */
  setMode(mode) {
    this.mode = mode;
  }

  /**
   * @param {string} text
   * @param {{ voiceName?: string, languageCode?: string }} [voice]
   * @returns {Promise<Utterance>}
   */
  async synthesize(text, voice = {}) {
    if (this.mode !== 'espeak') return this.#synthetic(text, this.mode);
    const espeakVoice = espeakVoiceFor(voice.voiceName, voice.languageCode);
    const key = `${espeakVoice}\u0000${text}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return { samples: hit, engine: 'espeak' };
    }
    try {
      const samples = await this.#espeak(text, espeakVoice);
      cache.set(key, samples);
      if (cache.size > CACHE_LIMIT) cache.delete(/** @type {string} */ (cache.keys().next().value));
      return { samples, engine: 'espeak' };
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        this.log?.(`espeak-ng failed (${error instanceof Error ? error.message : error}); using a tone instead`);
      }
      return this.#synthetic(text, 'tone');
    }
  }

  /**
   * @param {string} text
   * @param {string} espeakVoice
   * @returns {Promise<Int16Array>}
   */
  #espeak(text, espeakVoice) {
    if (!this.usesWorker || !shared) {
      acquireWorker();
      this.usesWorker = true;
    }
    const state = shared;
    if (!state) return Promise.reject(new Error('speech worker is not running'));
    const id = state.nextId++;
    return new Promise((resolve, reject) => {
      state.pending.set(id, { resolve, reject });
      // Keep the process alive only while an utterance is being made.
      state.worker.ref();
      state.worker.postMessage({
        id,
        text,
        voice: espeakVoice,
        wordsPerMinute: WORDS_PER_MINUTE,
        sampleRate: OUTPUT_SAMPLE_RATE,
      });
    });
  }

  /**
   * @param {string} text
   * @param {VoiceMode} mode
   * @returns {Utterance}
   */
  #synthetic(text, mode) {
    const ms = estimateSpeechMs(text);
    const samples =
      mode === 'silence'
        ? new Int16Array(Math.round((ms / 1000) * OUTPUT_SAMPLE_RATE))
        : speechLikeTone(ms, OUTPUT_SAMPLE_RATE);
    return { samples, engine: mode === 'silence' ? 'silence' : 'tone' };
  }

  dispose() {
    if (this.usesWorker) {
      this.usesWorker = false;
      releaseWorker();
    }
  }
}
