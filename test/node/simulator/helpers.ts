import { after, afterEach, before } from 'node:test';
import { GoogleGenAI, type LiveConnectConfig, type LiveServerMessage, type Session } from '@google/genai';
import { WebSocket } from 'ws';
import { startSimulator, type LiveSimulator } from '../../../demo/simulator/index.js';
import type { SimulatorOptions } from '../../../demo/simulator/options.js';
import { pcm16ToBase64, speechLikeTone } from '../../../demo/simulator/pcm.js';

/** A 2.5 native-audio model: audio answers, blocking tools, usage with turnComplete. */
export const MODEL = 'gemini-2.5-flash-native-audio-preview-09-2025';
/** Google's default Live model now: non-blocking tools, usage in messages of its own, strict setup checks. */
export const LIVE_MODEL = 'gemini-3.8-live';
/** The simulator's own model that answers in TEXT (no current Live model does). */
export const TEXT_MODEL = 'simulator-text-live';

export type Sim = LiveSimulator & { url: string; wsUrl: string; port: number };

/** A fast, quiet simulator for tests: tone voice, ten times real time, short setup delay. */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<Sim> {
  return startSimulator({ voice: false, speed: 10, setupDelayMs: 0, responseDelayMs: 100, ...options }) as Promise<Sim>;
}

/** The message that ends a model turn. */
export const turnComplete = (m: LiveServerMessage) => !!m.serverContent?.turnComplete;

/**
 * For a `describe` block: one test simulator for the block, and `open()` to connect clients that are closed (and
 * the simulator reset) after each test.
 */
export function useTestSimulator() {
  let sim: Sim | undefined;
  let clients: Client[] = [];
  before(async () => {
    sim = await startTestSimulator();
  });
  afterEach(async () => {
    for (const client of clients) client.session.close();
    clients = [];
    await sim!.control.reset();
  });
  after(() => sim!.close());
  return {
    get sim(): Sim {
      return sim!;
    },
    async open(options: ConnectOptions = {}): Promise<Client> {
      const client = await connect(sim!, options);
      clients.push(client);
      return client;
    },
  };
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A connected SDK session plus everything it received. */
export interface Client {
  ai: GoogleGenAI;
  session: Session;
  messages: LiveServerMessage[];
  closed: Promise<CloseInfo>;
  /** Resolves with the first message (after `from`) matching `predicate`. */
  waitFor(predicate: (message: LiveServerMessage) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<LiveServerMessage>;
  /** Messages whose first field is the given kind ("audio", "turnComplete", …), in order. */
  kinds(from?: number): string[];
  /** The concatenated output transcription (or text parts) since `from`. */
  transcript(from?: number): string;
}

export interface ConnectOptions {
  apiKey?: string;
  apiVersion?: string;
  model?: string;
  config?: LiveConnectConfig;
  baseUrl?: string;
}

/** Connects through the real SDK (its Node build, which uses the `ws` package). */
export async function connect(sim: Sim, options: ConnectOptions = {}): Promise<Client> {
  const ai = new GoogleGenAI({
    apiKey: options.apiKey ?? 'sim-key',
    httpOptions: { baseUrl: options.baseUrl ?? sim.url, apiVersion: options.apiVersion ?? 'v1beta' },
  });
  return connectWith(ai, options);
}

export async function connectWith(ai: GoogleGenAI, options: ConnectOptions = {}): Promise<Client> {
  const messages: LiveServerMessage[] = [];
  const listeners = new Set<() => void>();
  let resolveClosed!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => (resolveClosed = resolve));
  const session = await ai.live.connect({
    model: options.model ?? MODEL,
    config: options.config ?? {},
    callbacks: {
      onmessage: (message) => {
        messages.push(message);
        for (const listener of listeners) listener();
      },
      onclose: (event) => resolveClosed({ code: event.code, reason: event.reason }),
      onerror: () => {},
    },
  });
  const client: Client = {
    ai,
    session,
    messages,
    closed,
    waitFor(predicate, { from = 0, timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.slice(from).find(predicate);
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`Timed out; received: ${client.kinds(from).join(', ')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    kinds(from = 0) {
      return messages.slice(from).map(kindOf);
    },
    transcript(from = 0) {
      return messages
        .slice(from)
        .map((m) => m.serverContent?.outputTranscription?.text ?? m.serverContent?.modelTurn?.parts?.map((p) => p.text ?? '').join('') ?? '')
        .join('');
    },
  };
  return client;
}

/** Connects expecting a failure; returns the close the SDK saw and the error `connect()` rejected with. */
export async function connectExpectingClose(sim: Sim, options: ConnectOptions = {}, ai?: GoogleGenAI) {
  let close: CloseInfo | undefined;
  const client =
    ai ??
    new GoogleGenAI({
      apiKey: options.apiKey ?? 'sim-key',
      httpOptions: { baseUrl: options.baseUrl ?? sim.url, apiVersion: options.apiVersion ?? 'v1beta' },
    });
  try {
    const session = await client.live.connect({
      model: options.model ?? MODEL,
      config: options.config ?? {},
      callbacks: { onmessage: () => {}, onclose: (e) => (close = { code: e.code, reason: e.reason }), onerror: () => {} },
    });
    session.close();
    throw new Error('connect() resolved but a failure was expected');
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('connect() resolved')) throw error;
    return { close, error: error as Error };
  }
}

export function kindOf(message: LiveServerMessage): string {
  if (message.setupComplete) return 'setupComplete';
  if (message.toolCall) return 'toolCall';
  if (message.toolCallCancellation) return 'toolCallCancellation';
  if (message.goAway) return 'goAway';
  if (message.sessionResumptionUpdate) return 'sessionResumptionUpdate';
  const content = message.serverContent;
  if (content) {
    if (content.interrupted) return 'interrupted';
    if (content.turnComplete) return 'turnComplete';
    if (content.generationComplete) return 'generationComplete';
    if (content.inputTranscription) return 'inputTranscription';
    if (content.outputTranscription) return 'outputTranscription';
    if (content.modelTurn?.parts?.some((p) => p.inlineData)) return 'audio';
    if (content.modelTurn?.parts?.some((p) => typeof p.text === 'string')) return 'text';
  }
  return Object.keys(message)[0] ?? 'empty';
}

/** Sends 16 kHz PCM16 in `chunkMs` pieces as fast as possible (detection is timed by samples, not the clock). */
export function sendAudio(session: Session, samples: Int16Array, chunkMs = 40) {
  const chunk = Math.round((16000 * chunkMs) / 1000);
  for (let i = 0; i < samples.length; i += chunk) {
    session.sendRealtimeInput({
      audio: { data: pcm16ToBase64(samples.subarray(i, i + chunk)), mimeType: 'audio/pcm;rate=16000' },
    });
  }
}

/** Loud, speech-like input at 16 kHz. */
export function speech(ms: number) {
  return speechLikeTone(ms, 16000, { amplitude: 0.3, frequency: 180 });
}

export function silence(ms: number) {
  return new Int16Array(Math.round((16000 * ms) / 1000));
}

export function concat(...parts: Int16Array[]) {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A raw `ws` client on the Live path, for what the SDK cannot do (bad first frames, frame types). */
export function rawSocket(sim: Sim, query = 'key=sim-key', version = 'v1beta', method = 'BidiGenerateContent') {
  const ws = new WebSocket(`${sim.wsUrl}//ws/google.ai.generativelanguage.${version}.GenerativeService.${method}?${query}`);
  const frames: Array<{ data: Buffer; binary: boolean }> = [];
  ws.on('message', (data, binary) => frames.push({ data: data as Buffer, binary }));
  const closed = new Promise<CloseInfo>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed, opened };
}

export function delay(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
