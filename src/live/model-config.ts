import type { LiveConnectConfig } from '@google/genai';
import type { ModelProfile } from './models.js';
import { isObject, type Json } from '../shared/json.js';



/** One warning per model and setting for the page's lifetime: a console that repeats itself is not read. */
const warned = new Set<string>();

function warnOnce(profile: ModelProfile, key: string, message: string): void {
  const id = `${profile.id}:${key}`;
  if (warned.has(id)) return;
  warned.add(id);
  console.warn(`<gemini-live>: ${profile.id} ${message}`);
}

/**
 * Fits a setup to what the named model accepts: it asks an audio-only model for audio plus output transcription
 * when the page wants text answers, and leaves out every field the model refuses or ignores, with a one-time
 * console warning for a setting the page asked for and the model cannot honour. Without a profile (an id this
 * package does not know) the config is returned as the attributes made it.
 */
export function fitConfigToModel(
  config: LiveConnectConfig,
  profile: ModelProfile | undefined,
  responseModality: 'audio' | 'text',
): LiveConnectConfig {
  if (!profile) return config;
  const out = { ...config } as Json;

  if (responseModality === 'text' && !profile.answersInText) {
    // The words come as output transcription; the audio is never played (and is paid for as audio tokens).
    out.responseModalities = ['AUDIO'];
    out.outputAudioTranscription = isObject(out.outputAudioTranscription) ? out.outputAudioTranscription : {};
  } else if (Array.isArray(out.responseModalities) && out.responseModalities.includes('TEXT') && !profile.answersInText) {
    warnOnce(profile, 'text', 'answers only in audio: TEXT is not requested (use response-modality="text").');
    out.responseModalities = ['AUDIO'];
  }

  const thinking = out.thinkingConfig;
  if (isObject(thinking)) {
    if (profile.thinking === 'none') {
      warnOnce(profile, 'thinking', 'takes no thinking settings: thinkingConfig is not sent.');
      delete out.thinkingConfig;
    } else {
      const unsupported = profile.thinking === 'thinking-level' ? 'thinkingBudget' : 'thinkingLevel';
      if (unsupported in thinking) {
        warnOnce(profile, unsupported, `does not take ${unsupported}: it is not sent.`);
        const { [unsupported]: _dropped, ...rest } = thinking;
        out.thinkingConfig = rest;
      }
    }
  }

  if (isObject(out.proactivity)) {
    if (profile.proactivity === 'unsupported') {
      warnOnce(profile, 'proactivity', 'has no proactive audio: proactivity is not sent.');
      delete out.proactivity;
    } else if (profile.proactivity === 'always-on') {
      if (out.proactivity.proactiveAudio === false) {
        warnOnce(profile, 'proactivity', 'always answers proactively; proactiveAudio: false is not sent.');
      }
      delete out.proactivity;
    }
  }

  if (out.enableAffectiveDialog !== undefined && profile.affectiveDialog !== 'accepted') {
    if (out.enableAffectiveDialog) warnOnce(profile, 'affective', 'has no affective dialog: enableAffectiveDialog is not sent.');
    delete out.enableAffectiveDialog;
  }

  const speech = out.speechConfig;
  if (isObject(speech) && speech.languageCode !== undefined && profile.languageCode !== 'accepted') {
    warnOnce(profile, 'language', 'chooses the spoken language itself: languageCode is not sent (language still sets the UI language).');
    const { languageCode: _dropped, ...rest } = speech;
    if (Object.keys(rest).length) out.speechConfig = rest;
    else delete out.speechConfig;
  }

  const input = out.realtimeInputConfig;
  const detection = isObject(input) ? input.automaticActivityDetection : undefined;
  if (isObject(detection) && detection.silenceDurationMs !== undefined && profile.silenceDuration !== 'accepted') {
    warnOnce(profile, 'silence', 'ends a turn after its own pause: silenceDurationMs is not sent.');
    const { silenceDurationMs: _dropped, ...rest } = detection;
    const { automaticActivityDetection: _detection, ...others } = input as Json;
    const fitted = Object.keys(rest).length ? { ...others, automaticActivityDetection: rest } : others;
    if (Object.keys(fitted).length) out.realtimeInputConfig = fitted;
    else delete out.realtimeInputConfig;
  }
  return out as LiveConnectConfig;
}
