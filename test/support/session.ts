/** Builds a LiveSession wired to the simulator, recording everything it reports. */
import { LiveSession } from '../../src/live/live-session.js';
import { TranscriptModel } from '../../src/live/transcript.js';
import type { LiveSessionOptions } from '../../src/live/options.js';
import type { GeminiLiveToolCallDetail } from '../../src/events/tool-call-event.js';
import type { LiveErrorDetail, LiveState, LiveUsage } from '../../src/live/types.js';
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
