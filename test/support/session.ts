/** Builds a LiveSession wired to the simulator, recording everything it reports. */
import { LiveSession } from '../../src/live/live-session.js';
import { TranscriptModel } from '../../src/live/transcript.js';
import type { LiveSessionOptions } from '../../src/live/live-session-options.js';
import type { GeminiLiveToolCallDetail } from '../../src/events/tool-call-event.js';
import type { LiveErrorDetail, LiveState, LiveUsage } from '../../src/live/types.js';
import { recordOutput } from '../browser/audio/helpers.js';
import { connections, mintToken, simulatorUrl, waitFor, type ConnectionRecord } from './simulator.js';

export interface SessionProbe {
  session: LiveSession;
  /** The context handed to the session (its audio engine owns it). */
  audioContext: AudioContext;
  transcript: TranscriptModel;
  states: LiveState[];
  errors: LiveErrorDetail[];
  usage: LiveUsage[];
  interruptions: number;
  toolCalls: GeminiLiveToolCallDetail[];
  tokens: string[];
  /** Resolves once the session reaches `state` (or throws after the timeout). */
  reach(state: LiveState, timeout?: number): Promise<void>;
}

export const SIM_MODEL = 'gemini-2.5-flash-native-audio-preview-09-2025';

// Where sessions made by createSession() run their pipeline, unless a test says otherwise (see inBothPipelines).
let pipelineInWorker = true;

/**
 * Declares the suite `body` twice: with the session's pipeline in the socket worker, and on the page (where no
 * worker can run). Tests inside use createSession() as usual.
 */
export function inBothPipelines(title: string, body: () => void): void {
  for (const [where, inWorker] of [
    ['in the socket worker', true],
    ['on the page', false],
  ] as const) {
    describe(`${title} (pipeline ${where})`, () => {
      beforeEach(() => {
        pipelineInWorker = inWorker;
      });
      afterEach(() => {
        pipelineInWorker = true;
      });
      body();
    });
  }
}

export function sessionOptions(overrides: Partial<LiveSessionOptions> = {}): LiveSessionOptions {
  return {
    model: SIM_MODEL,
    apiBaseUrl: simulatorUrl,
    responseModality: 'audio',
    transcription: 'both',
    mode: 'auto',
    googleSearch: false,
    tools: [],
    chunkMs: 20,
    audioProcessing: false,
    resume: false,
    videoFps: 1,
    muted: false,
    setupTimeoutMs: 5000,
    reconnectDelayMs: 100,
    socketWorker: pipelineInWorker,
    ...overrides,
  };
}

export function createSession(overrides: Partial<LiveSessionOptions> = {}, onTool?: (call: GeminiLiveToolCallDetail) => boolean): SessionProbe {
  const tokens: string[] = [];
  const transcript = new TranscriptModel();
  const audioContext = new AudioContext();
  const probe = {
    audioContext,
    transcript,
    states: [] as LiveState[],
    errors: [] as LiveErrorDetail[],
    usage: [] as LiveUsage[],
    interruptions: 0,
    toolCalls: [] as GeminiLiveToolCallDetail[],
    tokens,
  } as SessionProbe;
  const options = sessionOptions({
    tokenProvider: async () => {
      const token = await mintToken();
      tokens.push(token);
      return token;
    },
    ...overrides,
  });
  probe.session = new LiveSession(
    options,
    {
      onStateChange: (state) => probe.states.push(state),
      onError: (detail) => probe.errors.push(detail),
      onInterrupted: () => {
        probe.interruptions += 1;
      },
      onUsage: (usage) => probe.usage.push(usage),
      onToolCall: (call) => {
        probe.toolCalls.push(call);
        return onTool ? onTool(call) : false;
      },
      onVideoChange: () => undefined,
    },
    { audioContext, transcript },
  );
  probe.reach = (state, timeout = 10_000) =>
    waitFor(() => probe.session.state === state, { timeout, message: `state ${state} (now ${probe.session.state})` }).then(
      () => undefined,
    );
  return probe;
}

/** The text of the last model turn, once it is final. */
export function lastModelText(transcript: TranscriptModel): string | undefined {
  const turns = transcript.snapshot.filter((turn) => turn.role === 'model' && turn.final);
  return turns[turns.length - 1]?.text;
}

/** The simulator's records of `probe`'s connections, oldest first: those opened with the tokens it fetched. */
export async function connectionsOf(probe: SessionProbe | undefined): Promise<ConnectionRecord[]> {
  const tokens = new Set(probe?.tokens ?? []);
  return (await connections()).filter((record) => record.auth.credential && tokens.has(record.auth.credential));
}

/**
 * Waits until the page holds the newest resumption handle its latest connection was issued, past the one that
 * came with setup (a turn's end brings another just after the turn's last message), and returns it.
 */
export async function newestHandle(probe: SessionProbe): Promise<string> {
  return waitFor(
    async () => {
      const issued = (await connectionsOf(probe)).at(-1)?.session.handlesIssued ?? [];
      const held = probe.session.resumptionHandle;
      return issued.length > 1 && held === issued.at(-1) ? held : undefined;
    },
    { message: 'the newest resumption handle' },
  );
}

/**
 * Microphone audio the simulator received over all of `probe`'s connections, against the span from the first
 * chunk to the latest on the simulator's clock: audio lost in a gap leaves `received` short of `span`. (Not the
 * page's wall clock: a loaded engine may start its microphone late, and chunks may still be on their way.)
 */
export async function audioCoverage(probe: SessionProbe): Promise<{ received: number; span: number }> {
  const records = (await connectionsOf(probe)).filter((record) => record.audio.firstAt !== null);
  if (records.length === 0) return { received: 0, span: 0 };
  const first = Math.min(...records.map((record) => record.audio.firstAt!));
  const last = Math.max(...records.map((record) => record.audio.lastAt!));
  return { received: records.reduce((sum, record) => sum + record.audio.seconds, 0), span: (last - first) / 1000 };
}

/** What a session keeps to itself, for looking at where its work happens. */
export interface SessionInside {
  engine?: {
    input: { capture: { node: AudioWorkletNode } } | null;
    playback: { node: AudioWorkletNode; played(): { playedMs: number } } | null;
    context: AudioContext;
  };
  pipeline?: { inWorker: boolean; started: Promise<void>; thread?: { kind: 'worker'; worker: Worker } | { kind: 'page' } };
}

export const inside = (probe: SessionProbe) => probe.session as unknown as SessionInside;

/** Whether the pipeline of `probe`'s session runs in the socket worker, once it has started. */
export async function pipelineInWorkerOf(probe: SessionProbe): Promise<boolean> {
  await inside(probe).pipeline!.started;
  return inside(probe).pipeline!.inWorker;
}

/** Records the session's voice as played (behind its playback node), from now on. */
export async function recordVoice(probe: SessionProbe) {
  const engine = inside(probe).engine!;
  const startedAt = engine.context.currentTime;
  const recording = await recordOutput(engine.context, engine.playback!.node);
  const rate = engine.context.sampleRate;
  return {
    startedAt,
    rate,
    /** RMS of each 10 ms of what was recorded. */
    rms(): number[] {
      const samples = recording.samples();
      const size = Math.round(rate / 100);
      const out: number[] = [];
      for (let i = 0; i + size <= samples.length; i += size) {
        let sum = 0;
        for (let j = i; j < i + size; j++) sum += samples[j] * samples[j];
        out.push(Math.sqrt(sum / size));
      }
      return out;
    },
    stop: () => recording.stop(),
  };
}

