import { html, nothing, type TemplateResult } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { LiveErrorDetail, LiveState, Turn } from '../live/types.js';
import type { VideoSource } from '../live/live-session-options.js';
import type { GeminiLiveStrings } from './strings.js';
import { cameraIcon, chatIcon, closeIcon, downloadIcon, micIcon, micOffIcon, screenIcon, sendIcon, stopIcon, tuneIcon } from './icons.js';

// Stateless parts of the element's shadow DOM: each renders from what it is given and calls back on input.

export const icon = (path: unknown) =>
  html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${path}</svg>`;

/** What the status line says about the conversation. */
export interface StatusView {
  state: LiveState;
  error: LiveErrorDetail | null;
  muted: boolean;
  pushToTalk: boolean;
  talking: boolean;
  /** A typed conversation without a microphone (`text-only`). */
  typed: boolean;
}

export function statusText(strings: GeminiLiveStrings, view: StatusView): string {
  const { state } = view;
  if (state === 'error') {
    return view.error ? (strings.errors[view.error.code] ?? strings.errors.default) : strings.status.error;
  }
  if (state === 'listening' && view.typed) return strings.statusTextOnly;
  if (state === 'listening' && view.muted) return strings.statusMuted;
  if (state === 'listening' && view.pushToTalk && !view.talking) return strings.statusPushToTalk;
  if (view.talking) return strings.talking;
  return strings.status[state];
}

export function turnTemplate(turn: Turn, strings: GeminiLiveStrings): TemplateResult {
  const parts = [
    'turn',
    turn.role === 'user' ? 'turn-user' : 'turn-model',
    turn.interrupted ? 'turn-interrupted' : '',
    turn.final ? '' : 'turn-partial',
  ]
    .filter(Boolean)
    .join(' ');
  // One line: the turn keeps white space (pre-wrap), so template indentation would show.
  const speaker = turn.role === 'user' ? strings.user : strings.model;
  const mark = turn.interrupted
    ? html` <span class="interrupted-mark">${strings.interrupted}</span>`
    : turn.endReason
      ? html` <span class="interrupted-mark" title=${turn.endReason}>${strings.turnEndedEarly}</span>`
      : nothing;
  return html`<li part=${parts} class=${classMap({ partial: !turn.final })}><span class="speaker">${speaker}: </span><bdi>${turn.text}</bdi>${mark}</li>`;
}

export function errorTemplate(error: LiveErrorDetail, strings: GeminiLiveStrings, onDismiss: () => void): TemplateResult {
  const message = strings.errors[error.code] ?? strings.errors.default;
  return html`<div part="error" role="alert">
    <p>${message}</p>
    <button type="button" @click=${onDismiss}>${strings.dismissError}</button>
  </div>`;
}

/** The camera or screen sharing button: `offered` is what the `video` attribute offers, `sharing` what is shared now. */
export function videoButtonTemplate(
  offered: VideoSource,
  sharing: VideoSource | null,
  connected: boolean,
  strings: GeminiLiveStrings,
  onClick: () => void,
): TemplateResult {
  const label = sharing ? strings.stopVideo : offered === 'screen' ? strings.startScreen : strings.startCamera;
  return html`<button
    part="video"
    type="button"
    aria-pressed=${sharing ? 'true' : 'false'}
    ?disabled=${!connected && !sharing}
    @click=${onClick}
  >
    ${icon(offered === 'screen' ? screenIcon : cameraIcon)}<span>${label}</span>
  </button>`;
}

export function textFormTemplate(
  value: string,
  strings: GeminiLiveStrings,
  onInput: (event: InputEvent) => void,
  onSubmit: (event: SubmitEvent) => void,
): TemplateResult {
  return html`<form @submit=${onSubmit}>
    <input
      part="text-input"
      type="text"
      dir="auto"
      autocomplete="off"
      enterkeyhint="send"
      aria-label=${strings.textInputLabel}
      placeholder=${strings.textInputPlaceholder}
      .value=${value}
      @input=${onInput}
    />
    <button part="send" type="submit" ?disabled=${!value.trim()}>${icon(sendIcon)}<span>${strings.send}</span></button>
  </form>`;
}

/** The hold-to-talk button (`mode="push-to-talk"`), wired to the push-to-talk controller's pointer handlers. */
export function talkButtonTemplate(
  talk: { onPointerDown: (event: PointerEvent) => void; onPointerUp: () => void; talking: boolean },
  connected: boolean,
  strings: GeminiLiveStrings,
): TemplateResult {
  return html`<button
    part="talk"
    type="button"
    aria-pressed=${talk.talking ? 'true' : 'false'}
    ?disabled=${!connected}
    @pointerdown=${talk.onPointerDown}
    @pointerup=${talk.onPointerUp}
    @pointercancel=${talk.onPointerUp}
    @lostpointercapture=${talk.onPointerUp}
  >
    ${icon(micIcon)}<span>${talk.talking ? strings.talking : strings.talk}</span>
  </button>`;
}

/** Mutes the microphone; in a typed conversation without one yet, it moves to speaking instead ("Speak instead"). */
export function muteButtonTemplate(muted: boolean, noMicrophone: boolean, strings: GeminiLiveStrings, onClick: () => void): TemplateResult {
  if (noMicrophone) {
    return html`<button part="mute" type="button" @click=${onClick}>${icon(micIcon)}<span>${strings.useMicrophone}</span></button>`;
  }
  return html`<button part="mute" type="button" aria-pressed=${muted ? 'true' : 'false'} @click=${onClick}>
    ${icon(muted ? micOffIcon : micIcon)}<span>${muted ? strings.unmute : strings.mute}</span>
  </button>`;
}

/** The list of turns, or the `empty` slot before anything was said. */
export function transcriptTemplate(transcript: readonly Turn[], strings: GeminiLiveStrings, typed = false): TemplateResult {
  return html`<ol part="transcript" aria-label=${strings.transcriptLabel} tabindex="0">
    ${transcript.length
      ? repeat(
          transcript,
          (turn) => turn.id,
          // Turns are immutable snapshots: only the one that changed is rendered again.
          (turn) => guard([turn, strings.user, strings.model, strings.interrupted], () => turnTemplate(turn, strings)),
        )
      : html`<li class="empty"><slot name="empty">${typed ? strings.emptyTranscriptText : strings.emptyTranscript}</slot></li>`}
  </ol>`;
}

/** The button that starts and ends the conversation; `onPrefetch` as the pointer or focus comes near it. */
export function toggleButtonTemplate(
  active: boolean,
  strings: GeminiLiveStrings,
  onClick: () => void,
  onPrefetch: () => void,
  typed = false,
): TemplateResult {
  return html`<button
    part="toggle"
    type="button"
    aria-pressed=${active ? 'true' : 'false'}
    @click=${onClick}
    @pointerenter=${onPrefetch}
    @focus=${onPrefetch}
  >
    ${icon(active ? stopIcon : typed ? chatIcon : micIcon)}<span>${active ? strings.stop : strings.start}</span>
  </button>`;
}

/** Saves the transcript as a text file. */
export function downloadButtonTemplate(strings: GeminiLiveStrings, onClick: () => void): TemplateResult {
  return html`<button part="download" type="button" aria-label=${strings.download} title=${strings.download} @click=${onClick}>${icon(downloadIcon)}</button>`;
}

/** The control that shows and hides the device and volume settings. */
export function settingsButtonTemplate(open: boolean, strings: GeminiLiveStrings, onClick: () => void): TemplateResult {
  return html`<button part="settings" type="button" aria-label=${strings.settings} title=${strings.settings} aria-expanded=${open ? 'true' : 'false'} aria-controls="settings" @click=${onClick}>${icon(tuneIcon)}</button>`;
}

/** The floating panel's close button. */
export function closeButtonTemplate(strings: GeminiLiveStrings, onClick: () => void): TemplateResult {
  return html`<button type="button" class="close" aria-label=${strings.closePanel} @click=${onClick}>${icon(closeIcon)}</button>`;
}

/** The floating layout's launcher, which opens and closes the panel. */
export function launcherTemplate(open: boolean, strings: GeminiLiveStrings, onClick: () => void, onPrefetch: () => void): TemplateResult {
  return html`<button
    part="launcher"
    type="button"
    aria-expanded=${open ? 'true' : 'false'}
    aria-controls="panel"
    aria-label=${open ? strings.closePanel : strings.openPanel}
    @click=${onClick}
    @pointerenter=${onPrefetch}
  >
    <slot name="launcher-icon">${icon(open ? closeIcon : micIcon)}</slot>
  </button>`;
}

/** The terms (the `terms` slot) with the visitor's two answers; shown before the first conversation. */
export function termsTemplate(strings: GeminiLiveStrings, onAccept: () => void, onDecline: () => void): TemplateResult {
  return html`<section part="terms" role="group" aria-label=${strings.termsLabel} tabindex="-1">
    <slot name="terms"></slot>
    <div class="terms-actions">
      <button part="terms-accept" type="button" @click=${onAccept}>${strings.termsAccept}</button>
      <button part="terms-decline" type="button" @click=${onDecline}>${strings.termsDecline}</button>
    </div>
  </section>`;
}
