import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { LiveConnectConfig } from '@google/genai';
import type { LiveTool } from '../live/types.js';
import type { GeminiLiveStringsOverride } from './strings.js';
import { DEFAULT_MODEL } from '../shared/default-model.js';

/**
 * What a page sets on `<gemini-live>`: its attributes and settable properties. The element's behaviour and
 * rendering live in `GeminiLiveElement`, which extends this.
 */
export abstract class GeminiLiveProperties extends LitElement {
  /** URL `POST`ed (`{"model": id}`) before every connection for a single-use ephemeral token. */
  @property({ attribute: 'token-endpoint' }) tokenEndpoint?: string;

  /** Development only: a raw Gemini API key. Logs a warning once. Use `token-endpoint` in production. */
  @property({ attribute: 'api-key' }) apiKey?: string;

  /** Base URL for the SDK (`httpOptions.baseUrl`): a proxy or a local simulator. */
  @property({ attribute: 'api-base-url' }) apiBaseUrl?: string;

  /** API version for the SDK (`httpOptions.apiVersion`); `v1alpha` when tokens are used. */
  @property({ attribute: 'api-version' }) apiVersion?: string;

  /** The Live model id. */
  @property() model: string = DEFAULT_MODEL;

  /** A prebuilt voice name such as `Kore` or `Puck`; the server's default when unset. */
  @property() voice?: string;

  /** Whether the model answers with speech or with text. */
  @property({ attribute: 'response-modality' }) responseModality: 'audio' | 'text' = 'audio';

  /** BCP-47 language of the conversation (`speechConfig.languageCode`); also picks the UI language. */
  @property() language?: string;

  /** Instructions for the model (`systemInstruction`). */
  @property({ attribute: 'system-instruction' }) systemInstruction?: string;

  /** Which sides of the conversation are transcribed. */
  @property() transcription: 'both' | 'input' | 'output' | 'none' = 'both';

  /** `auto` detects speech by itself; `push-to-talk` listens only while the talk control or Space is held. */
  @property() mode: 'auto' | 'push-to-talk' = 'auto';

  /**
   * How readily automatic activity detection hears the visitor start speaking (`startOfSpeechSensitivity`):
   * `low` needs clearer speech, so background noise interrupts less. The service's default when unset; not sent
   * with `push-to-talk`.
   */
  @property({ attribute: 'start-sensitivity' }) startSensitivity?: 'low' | 'high';

  /**
   * How readily automatic activity detection decides the visitor has finished (`endOfSpeechSensitivity`): `low`
   * tolerates pauses and quiet endings. The service's default when unset; not sent with `push-to-talk`.
   */
  @property({ attribute: 'end-sensitivity' }) endSensitivity?: 'low' | 'high';

  /**
   * Milliseconds of silence that end the visitor's turn (`silenceDurationMs`; at most 10000): longer waits out
   * pauses, at the cost of a later answer. The service's default when unset; not sent with `push-to-talk`.
   */
  @property({ attribute: 'silence-ms', type: Number }) silenceMs?: number;

  /**
   * Milliseconds of speech needed before a turn starts (`prefixPaddingMs`; at most 10000): longer ignores short
   * noises, but also short words. The service's default when unset; not sent with `push-to-talk`.
   */
  @property({ attribute: 'prefix-padding-ms', type: Number }) prefixPaddingMs?: number;

  /** Offers camera or screen sharing behind the `video` control. */
  @property() video: 'none' | 'camera' | 'screen' = 'none';

  /** Video frames per second while sharing (0.2-2). */
  @property({ attribute: 'video-fps', type: Number }) videoFps = 1;

  /** Milliseconds of audio per message sent (10-100). */
  @property({ attribute: 'chunk-ms', type: Number }) chunkMs = 20;

  /** Turns echo cancellation, noise suppression and auto gain off. */
  @property({ attribute: 'no-audio-processing', type: Boolean }) noAudioProcessing = false;

  /** Whether the voice's echo may interrupt: `guarded` mutes quiet input while it plays, `auto` where echo is likely. */
  @property({ attribute: 'barge-in' }) bargeIn: 'auto' | 'guarded' | 'always' = 'auto';

  /** Lets the model search Google (`googleSearch` tool). */
  @property({ attribute: 'google-search', type: Boolean }) googleSearch = false;

  /** Shows a text box; typed text is sent with `sendText`. */
  @property({ attribute: 'text-input', type: Boolean }) textInput = false;

  /**
   * A typed conversation: no microphone is asked for, the text box is shown, and answers follow
   * `response-modality`. The visitor can move to speaking with the `mute` control ("Speak instead").
   */
  @property({ attribute: 'text-only', type: Boolean }) textOnly = false;

  /**
   * With content in the `terms` slot: the terms are shown before the first conversation, and nothing is asked for
   * (microphone, token, socket) until the visitor accepts; acceptance is remembered in `localStorage` under this
   * key, so a new key asks again.
   */
  @property({ attribute: 'terms-key' }) termsKey?: string;

  /** `inline` renders the panel in the page flow; `floating` a launcher button in a corner. */
  @property({ reflect: true }) layout: 'inline' | 'floating' = 'inline';

  /** Floating layout: whether the panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;

  /** Keeps the session resumption handle in `sessionStorage`, so a reload continues the conversation. */
  @property({ type: Boolean }) resume = false;

  /** While muted no audio is sent; the session stays open. */
  @property({ type: Boolean, reflect: true }) muted = false;

  /** Functions the model may call. `parameters` is a JSON Schema object; `handler(args)` may be async. */
  @property({ attribute: false }) tools: LiveTool[] = [];

  /** Merged over the default microphone constraints: e.g. `{ deviceId: { exact: id } }` to choose a microphone. */
  @property({ attribute: false }) audioConstraints?: MediaTrackConstraints;

  /**
   * The microphone to use (`MediaDeviceInfo.deviceId`). Unset: the one the visitor chose on this site before, else
   * the default. Setting it during a conversation switches microphones on the same connection. A device that is
   * not there gives the default, and the status says so.
   */
  @property({ attribute: false }) microphoneId?: string;

  /** The speaker the voice plays on, where the browser can choose one (`AudioContext.setSinkId`). */
  @property({ attribute: false }) speakerId?: string;

  /** The camera to share (`video="camera"`). */
  @property({ attribute: false }) cameraId?: string;

  private volumeLevel = 1;

  /**
   * Loudness of the model's voice, 0–1 (default 1). A change reaches audio already playing at once, ramped so it
   * does not click. Values outside 0–1 are clamped; a value that is not a number is ignored. `outputStream` keeps
   * the voice at its own level.
   */
  @property({ converter: { fromAttribute: (value: string | null) => (value === null ? 1 : value.trim() ? Number(value) : NaN) } })
  get volume(): number {
    return this.volumeLevel;
  }

  set volume(value: number) {
    // `volume=""`, `volume="loud"` or a property set to something else than a number: ignored.
    const given: unknown = value;
    const level = typeof given === 'number' || (typeof given === 'string' && given.trim()) ? Number(given) : NaN;
    if (!Number.isFinite(level)) return;
    const previous = this.volumeLevel;
    this.volumeLevel = Math.min(1, Math.max(0, level));
    this.requestUpdate('volume', previous);
  }

  /** Supplies a single-use ephemeral token; used instead of `token-endpoint` when set. */
  @property({ attribute: false }) tokenProvider?: () => Promise<string>;

  /** Merged last over what the attributes produce: any `LiveConnectConfig` option of the SDK. */
  @property({ attribute: false }) config?: Partial<LiveConnectConfig>;

  /**
   * Overrides for any UI string (see `GeminiLiveStrings`). The built-in table (ar, de, en, es, fr, hi, it, ja, ko,
   * nl, pl, pt, zh) is picked by the element's own `lang`, then `language`, then the nearest `lang` around it,
   * then the browser's language; other languages show English unless given here.
   */
  @property({ attribute: false }) strings?: GeminiLiveStringsOverride;
}
