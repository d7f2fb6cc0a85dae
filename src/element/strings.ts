import type { LiveErrorCode, LiveState } from '../live/types.js';
import { primaryLanguage } from './language.js';

/** Every piece of text the element shows or announces. Override any of them with the `strings` property. */
export interface GeminiLiveStrings {
  start: string;
  stop: string;
  talk: string;
  talking: string;
  mute: string;
  unmute: string;
  send: string;
  textInputLabel: string;
  textInputPlaceholder: string;
  transcriptLabel: string;
  panelLabel: string;
  openPanel: string;
  closePanel: string;
  emptyTranscript: string;
  /** The empty transcript of a typed conversation (`text-only`). */
  emptyTranscriptText: string;
  user: string;
  model: string;
  interrupted: string;
  /** The control that saves the transcript as a text file. */
  download: string;
  startCamera: string;
  startScreen: string;
  stopVideo: string;
  videoPreviewLabel: string;
  dismissError: string;
  /** `text-only`: the control that moves a typed conversation to speaking (the microphone is asked for then). */
  useMicrophone: string;
  /** The name of the terms shown before the first conversation (`terms` slot, `terms-key`). */
  termsLabel: string;
  termsAccept: string;
  termsDecline: string;
  /** Shown under a model turn that the service ended for a reason other than a normal end (safety, refusal…). */
  turnEndedEarly: string;
  /** The control that shows the device and volume settings, and its labels. */
  settings: string;
  microphone: string;
  speaker: string;
  camera: string;
  volume: string;
  /** The option for the system's default device. */
  defaultDevice: string;
  /** Status when a chosen or used device went away, or could not be had. */
  microphoneFallback: string;
  speakerFallback: string;
  cameraLost: string;
  status: Record<LiveState, string>;
  /** Push-to-talk status while listening. */
  statusPushToTalk: string;
  statusMuted: string;
  /** Status of a typed conversation (`text-only`) while it waits for the visitor. */
  statusTextOnly: string;
  errors: Partial<Record<LiveErrorCode, string>> & { default: string };
}

/** The English table, built into the entry. */
export const en: GeminiLiveStrings = {
  start: 'Start conversation',
  stop: 'End conversation',
  talk: 'Hold to talk',
  talking: 'Talking…',
  mute: 'Mute microphone',
  unmute: 'Unmute microphone',
  send: 'Send',
  textInputLabel: 'Message',
  textInputPlaceholder: 'Type a message',
  transcriptLabel: 'Conversation transcript',
  panelLabel: 'Voice conversation',
  openPanel: 'Open voice conversation',
  closePanel: 'Close voice conversation',
  emptyTranscript: 'Start a conversation and speak: what you and the assistant say appears here.',
  emptyTranscriptText: 'Type a message to start: what you and the assistant write appears here.',
  user: 'You',
  model: 'Assistant',
  interrupted: '(interrupted)',
  download: 'Download transcript',
  startCamera: 'Share camera',
  startScreen: 'Share screen',
  stopVideo: 'Stop sharing',
  videoPreviewLabel: 'What you are sharing',
  dismissError: 'Dismiss',
  useMicrophone: 'Speak instead',
  termsLabel: 'Before you start',
  termsAccept: 'Accept and start',
  termsDecline: 'Decline',
  turnEndedEarly: '(the answer was stopped by the service)',
  settings: 'Settings',
  microphone: 'Microphone',
  speaker: 'Speaker',
  camera: 'Camera',
  volume: 'Volume',
  defaultDevice: 'Default',
  microphoneFallback: 'That microphone is not available: using the default one',
  speakerFallback: 'That speaker is not available: playing on the default one',
  cameraLost: 'The camera is not available: video stopped',
  status: {
    idle: 'Ready',
    connecting: 'Connecting…',
    listening: 'Listening',
    speaking: 'Speaking',
    reconnecting: 'Reconnecting…',
    error: 'Something went wrong',
  },
  statusPushToTalk: 'Hold the talk button or Space to speak',
  statusMuted: 'Muted',
  statusTextOnly: 'Type your message',
  errors: {
    'mic-denied':
      'Microphone access was blocked. Allow the microphone in your browser\u2019s site settings (the icon in the address bar), then start again.',
    'mic-missing': 'No microphone was found. Connect one, then start again.',
    'mic-lost': 'The microphone went away and no other was found. Connect one to speak again; typing still works.',
    'mic-failed': 'The microphone could not be opened. Check that no other app is using it, then start again.',
    'audio-failed': 'Audio could not be started in this browser.',
    'token-failed': 'Could not get permission to connect. Try again in a moment.',
    'auth-failed': 'The connection was refused: the access token or key is not valid.',
    'invalid-request': 'The service refused this assistant\u2019s settings. The site needs to fix them; trying again will not help.',
    'quota-exceeded': 'The service is at its usage limit right now. Try again later.',
    'model-not-found': 'The configured model is not available.',
    'setup-timeout': 'The service did not answer in time. Try again.',
    'connection-failed': 'Could not connect to the service. Check your connection and try again.',
    'connection-lost': 'The connection was lost. Start again to continue.',
    'server-closed': 'The service ended the conversation.',
    'video-denied': 'Camera or screen sharing was blocked.',
    'video-failed': 'Video could not be shared.',
    'not-connected': 'Start a conversation first.',
    'config-invalid': 'This voice assistant is not set up correctly, so it cannot start. The site needs to fix its settings.',
    default: 'Something went wrong. Try again.',
  },
};

type Locale = () => Promise<{ default: GeminiLiveStrings }>;

// English is built into the entry; every other language is a chunk of its own, loaded the first time an element
// shows it, so a page pays only for the language it uses.
const locales: Readonly<Record<string, Locale>> = {
  ar: () => import('./locales/ar.js'),
  de: () => import('./locales/de.js'),
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  hi: () => import('./locales/hi.js'),
  it: () => import('./locales/it.js'),
  ja: () => import('./locales/ja.js'),
  ko: () => import('./locales/ko.js'),
  nl: () => import('./locales/nl.js'),
  pl: () => import('./locales/pl.js'),
  pt: () => import('./locales/pt.js'),
  zh: () => import('./locales/zh.js'),
};

/** The UI languages with a built-in table, by primary language subtag. */
export const uiLanguages: readonly string[] = ['en', ...Object.keys(locales)];

const tables = new Map<string, GeminiLiveStrings>([['en', en]]);
const loads = new Map<string, Promise<GeminiLiveStrings>>();
const RETRY_MS = 60_000;

/**
 * The built-in table for a BCP-47 tag: English for a language without one, undefined while its table has not
 * been loaded yet (`loadStrings` loads it).
 */
export function builtInStrings(tag: string | undefined): GeminiLiveStrings | undefined {
  const primary = primaryLanguage(tag);
  return tables.get(primary) ?? (locales[primary] ? undefined : en);
}

/**
 * Loads the built-in table for a BCP-47 tag. A table that cannot be loaded (the chunk is missing or blocked) is
 * English, so the UI still reads.
 */
export function loadStrings(tag: string | undefined): Promise<GeminiLiveStrings> {
  const primary = primaryLanguage(tag);
  const known = builtInStrings(primary);
  if (known) return Promise.resolve(known);
  let load = loads.get(primary);
  if (!load) {
    load = locales[primary]().then(
      (module) => (tables.set(primary, module.default), module.default),
      () => {
        // The chunk could not load (offline, blocked): English for now, and another try a minute later.
        tables.set(primary, en);
        loads.delete(primary);
        setTimeout(() => tables.get(primary) === en && tables.delete(primary), RETRY_MS);
        return en;
      },
    );
    loads.set(primary, load);
  }
  return load;
}

/** What the `strings` property takes: any subset, down to single status and error messages. */
export type GeminiLiveStringsOverride = Partial<Omit<GeminiLiveStrings, 'status' | 'errors'>> & {
  status?: Partial<GeminiLiveStrings['status']>;
  errors?: Partial<GeminiLiveStrings['errors']>;
};

/** Applies a page's overrides on top of a built-in table. */
export function withOverrides(base: GeminiLiveStrings, overrides?: GeminiLiveStringsOverride): GeminiLiveStrings {
  if (!overrides) return base;
  return {
    ...base,
    ...overrides,
    status: { ...base.status, ...overrides.status },
    errors: { ...base.errors, ...overrides.errors } as GeminiLiveStrings['errors'],
  };
}
