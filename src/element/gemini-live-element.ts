import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { LiveErrorDetail, LiveState, Turn } from '../live/types.js';
import type { VideoSource } from '../live/live-session-options.js';
import type { SessionSettings } from '../live/element-settings.js';
import type { SessionPlace } from '../live/resume-key.js';
import { SessionController } from './session-controller.js';
import { PushToTalkController } from './push-to-talk-controller.js';
import type { LevelSource } from './level-animation-controller.js';
import { LoadWhen } from './load-when.js';
import { AnnouncerController } from './announcer-controller.js';
import { followPanelFocus } from './panel-focus.js';
import { UiLanguageController } from './ui-language-controller.js';
import { TermsController } from './terms-controller.js';
import { SettingsController } from './settings-controller.js';
import type { GeminiLiveStrings } from './strings.js';
import { GeminiLiveProperties } from './element-properties.js';
import { styles } from './styles.js';
import { visualizerTemplate } from './visualizer.js';
import {
  closeButtonTemplate,
  settingsButtonTemplate,
  downloadButtonTemplate,
  errorTemplate,
  launcherTemplate,
  muteButtonTemplate,
  statusText,
  talkButtonTemplate,
  termsTemplate,
  textFormTemplate,
  toggleButtonTemplate,
  transcriptTemplate,
  videoButtonTemplate,
} from './templates.js';
import { saveTranscript, transcriptText } from './transcript-file.js';
import { cachedImport } from '../shared/cached-import.js';

const loadMeter = cachedImport(() => import('./level-animation-controller.js'));

/**
 * A voice (and video) conversation with the Gemini Live API, dropped into any page.
 *
 * @summary Talk to Gemini: low-latency voice, live captions, interruption, typed input, camera or screen, and
 * page functions the model can call.
 *
 * @fires {GeminiLiveStateEvent} gemini-live-state - `{ state, previous }` on every state change.
 * @fires {GeminiLiveTranscriptEvent} gemini-live-transcript - `{ turn, transcript }` on every transcript change.
 * @fires {GeminiLiveToolCallEvent} gemini-live-tool-call - `{ id, name, args, respond(result) }`, cancelable: a
 * function call that no `tools` handler takes.
 * @fires {GeminiLiveInterruptedEvent} gemini-live-interrupted - `{}` when the model's speech is cut off.
 * @fires {GeminiLiveUsageEvent} gemini-live-usage - the server's `usageMetadata`.
 * @fires {GeminiLiveErrorEvent} gemini-live-error - `{ code, message, recoverable }`.
 *
 * @attr {'idle' | 'connecting' | 'listening' | 'speaking' | 'reconnecting' | 'error'} state - Read-only, reflected
 * from the `state` property: where the conversation is. Useful for styling, e.g. `gemini-live[state='speaking']`.
 *
 * @slot launcher-icon - The icon inside the floating launcher button.
 * @slot empty - What the transcript shows before anything was said.
 * @slot terms - Terms the visitor accepts before the first conversation (with `terms-key`).
 *
 * @csspart base - The outermost wrapper.
 * @csspart launcher - The floating launcher button (`layout="floating"` only).
 * @csspart panel - The conversation panel.
 * @csspart toggle - The button that starts and ends the conversation.
 * @csspart talk - The hold-to-talk button (`mode="push-to-talk"` only).
 * @csspart status - The status line.
 * @csspart visualizer - The level meter: the visitor's microphone as bars in the accent colour, the model's voice as
 * a wave of dots in `--gemini-live-model-meter`.
 * @csspart transcript - The list of turns.
 * @csspart turn - Every turn; also `turn-user` or `turn-model`, and `turn-interrupted`, `turn-partial`.
 * @csspart turn-user - A turn of the user.
 * @csspart turn-model - A turn of the model.
 * @csspart text-input - The text box (`text-input` attribute).
 * @csspart send - The send button (`text-input` attribute).
 * @csspart mute - The mute button.
 * @csspart download - The button that saves the transcript as a text file (once there are turns).
 * @csspart settings - The button that shows and hides the device and volume settings.
 * @csspart settings-panel - The settings: the device choices and the volume.
 * @csspart microphone-select - The microphone choice (in the settings).
 * @csspart speaker-select - The speaker choice, where the browser can play on a chosen speaker.
 * @csspart camera-select - The camera choice, with `video="camera"`.
 * @csspart volume - The volume of the model's voice (a range input, in the settings).
 * @csspart notice - Says that a device went away or could not be had, and what is used instead.
 * @csspart video - The camera or screen sharing button (`video` attribute).
 * @csspart video-preview - The preview of what is shared.
 * @csspart error - The error message box.
 * @csspart terms - The terms shown before the first conversation (the `terms` slot and the two answers).
 * @csspart terms-accept - The button that accepts the terms and starts the conversation.
 * @csspart terms-decline - The button that declines the terms.
 *
 * @cssproperty --gemini-live-font - Font family.
 * @cssproperty --gemini-live-radius - Corner radius of panel, turns and buttons.
 * @cssproperty --gemini-live-background - Panel background.
 * @cssproperty --gemini-live-surface - Background of secondary buttons.
 * @cssproperty --gemini-live-foreground - Main text colour.
 * @cssproperty --gemini-live-muted-foreground - Status and hint text colour.
 * @cssproperty --gemini-live-border - Border colour.
 * @cssproperty --gemini-live-accent - Primary buttons, launcher and visualizer.
 * @cssproperty --gemini-live-accent-foreground - Text on the accent colour.
 * @cssproperty --gemini-live-model-meter - The level meter's dots while the model speaks.
 * @cssproperty --gemini-live-user-background - User turn background.
 * @cssproperty --gemini-live-user-foreground - User turn text.
 * @cssproperty --gemini-live-model-background - Model turn background.
 * @cssproperty --gemini-live-model-foreground - Model turn text.
 * @cssproperty --gemini-live-danger - The end button and error border.
 * @cssproperty --gemini-live-danger-foreground - Text on the danger colour.
 * @cssproperty --gemini-live-focus-ring - Focus outline colour.
 * @cssproperty --gemini-live-panel-width - Width of the floating panel.
 * @cssproperty --gemini-live-panel-max-height - Maximum height of the floating panel.
 * @cssproperty --gemini-live-transcript-max-height - Height after which the transcript scrolls.
 * @cssproperty --gemini-live-inset-block-end - Distance of the floating launcher from the bottom edge.
 * @cssproperty --gemini-live-inset-inline-end - Distance of the floating launcher from the end edge.
 * @cssproperty --gemini-live-launcher-size - Diameter of the floating launcher.
 * @cssproperty --gemini-live-z-index - Stacking order of the floating layout.
 */
export class GeminiLiveElement extends GeminiLiveProperties {
  static override styles = styles;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: false };

  @state() private dismissedError?: LiveErrorDetail;
  @state() private textValue = '';

  @query('[part~="visualizer"]') private visualizerEl?: HTMLElement;
  @query('[part~="transcript"]') private transcriptEl?: HTMLElement;
  private scrolledFor: readonly Turn[] | null = null;
  // While muted the meter follows the model's voice only: a muted microphone shows no level.
  private readonly levels = Object.defineProperties({} as LevelSource, {
    active: { get: () => this.session.active },
    inputLevel: { get: () => (this.muted ? 0 : this.session.meter.inputLevel) },
    outputLevel: { get: () => this.session.meter.outputLevel },
  });

  private readonly session = new SessionController(this, () => this.sessionSettings());
  private readonly talk = new PushToTalkController(this, this.session, () => this.mode === 'push-to-talk' && !this.typed);
  private readonly settings = new SettingsController(
    this,
    (kind) => this.session.deviceInUse(kind),
    () => this.uiStrings,
    () => this.session.deviceFallback,
    (kind, id) => this.session.chooseDevice(kind, id),
  );
  private readonly uiLanguage = new UiLanguageController(this, () => this.language, () => this.strings);
  private readonly terms = new TermsController(this, () => this.termsKey, () => ({
    terms: this.renderRoot.querySelector<HTMLElement>('[part~="terms"]'),
    after: this.renderRoot.querySelector<HTMLElement>('[part~="toggle"]'),
  }));
  private readonly announcer = new AnnouncerController(this, () => this.transcript, () => this.uiStrings);

  constructor() {
    super();
    // The meter moves only during a conversation: its code loads with the first one.
    new LoadWhen(
      this,
      () => this.session.active,
      () => loadMeter().then(({ LevelAnimationController }) => new LevelAnimationController(this, this.levels, () => this.visualizerEl, this.session.meter)),
    );
  }

  /**
   * Where the conversation is: `idle`, `connecting`, `listening`, `speaking`, `reconnecting` or `error`. Read-only, reflected.
   * @attr state
   */
  get state(): LiveState {
    return this.session.state;
  }

  /** The conversation so far, oldest first. */
  get transcript(): readonly Turn[] {
    return this.session.transcript;
  }

  /** The model's voice as a live stream while connected (for recording or routing). */
  get outputStream(): MediaStream | null {
    return this.session.outputStream;
  }

  /** Whether video is being shared now. */
  get videoActive(): boolean {
    return this.session.videoSource !== null;
  }

  /**
   * Asks for the microphone, fetches a token and connects. Resolves once the session is set up and audio flows;
   * rejects with the error also reported as `gemini-live-error`.
   */
  start(): Promise<void> {
    this.dismissedError = undefined;
    // With terms to accept, nothing starts before the visitor accepts them in the panel.
    // A running conversation was accepted already (the key may have changed since): start() joins it.
    if (this.session.active) return this.session.start();
    if (this.terms.required && this.layout === 'floating') this.open = true;
    return this.terms.gate(() => this.session.start());
  }

  /** Ends the session; by the time it resolves every track is stopped, the audio context and socket closed. */
  stop(): Promise<void> {
    this.terms.cancel();
    this.talk.release();
    return this.session.stop();
  }

  /** Sends typed text as a user turn (`realtimeInput.text`, where the service takes user input). */
  sendText(text: string): void {
    this.session.sendText(text);
  }

  /** The transcript as text, a line per turn: `[2026-12-03 14:03:07] You: Hello`, in the UI language. */
  transcriptText(): string {
    return transcriptText(this.transcript, this.uiStrings);
  }

  /** Starts sharing the camera or the screen during a session. */
  startVideo(source?: VideoSource): Promise<void> {
    const chosen = source ?? (this.video === 'screen' ? 'screen' : 'camera');
    return this.session.startVideo(chosen);
  }

  /** Stops sharing video; the conversation goes on. */
  stopVideo(): void {
    this.session.stopVideo();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.reflectState();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('muted')) this.session.setMuted(this.muted);
    if (changed.has('volume')) this.session.setVolume(this.volume);
    for (const kind of ['microphone', 'speaker', 'camera'] as const) {
      const key = `${kind}Id` as const;
      if (changed.has(key) && this.hasUpdated) this.session.chooseDevice(kind, this[key]);
    }
    // While connected, new tools or instructions update the session (or its next connection).
    if (changed.has('tools') || changed.has('systemInstruction')) {
      this.session.updateContext({
        ...(changed.has('tools') ? { tools: this.tools ?? [] } : {}),
        ...(changed.has('systemInstruction') ? { systemInstruction: this.systemInstruction } : {}),
      });
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.reflectState();
    // Opened to show the terms, the panel leaves focus where the terms put it.
    const openedForTerms = this.open && this.terms.shown;
    if (changed.has('open') && this.layout === 'floating' && changed.get('open') !== undefined && !openedForTerms) {
      followPanelFocus(this.shadowRoot, this.open);
    }
    // Scrolling reads the list's layout: only when the transcript changed, not on every update.
    const transcript = this.transcript;
    if (transcript !== this.scrolledFor) {
      this.scrolledFor = transcript;
      const list = this.transcriptEl;
      if (list) list.scrollTop = list.scrollHeight;
    }
  }

  private reflectState(): void {
    if (this.getAttribute('state') !== this.state) this.setAttribute('state', this.state);
  }

  private get uiStrings(): GeminiLiveStrings {
    return this.uiLanguage.strings;
  }

  private sessionSettings(): { settings: SessionSettings; place: SessionPlace } {
    const root = this.getRootNode() as Document | ShadowRoot;
    const element = this.id || String([...root.querySelectorAll('gemini-live')].indexOf(this));
    return { settings: this, place: { path: location.pathname, element } };
  }

  // --- user actions -------------------------------------------------------------------------------------------

  private onToggleClick = () => {
    if (this.session.active) void this.stop().catch(() => undefined);
    else void this.start().catch(() => undefined);
  };

  private onTogglePointerEnter = () => {
    this.session.prefetch();
    void loadMeter().catch(() => undefined);
  };

  /** A typed conversation without a microphone yet has none to mute: the mute control opens one ("Speak instead"). */
  private get typed(): boolean {
    return this.textOnly && !this.session.microphoneWanted;
  }

  private onMuteClick = () => {
    if (!this.typed) this.muted = !this.muted;
    else if (this.session.active) void this.session.useMicrophone().catch(() => undefined);
    else void this.start().then(() => this.session.useMicrophone()).catch(() => undefined);
  };

  private onVideoClick = () => {
    if (this.videoActive) this.stopVideo();
    else void this.startVideo().catch(() => undefined);
  };

  private onLauncherClick = () => {
    this.open = !this.open;
    if (this.open) this.session.prefetch();
  };

  private onBaseKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && this.terms.shown) {
      event.stopPropagation();
      this.terms.decline();
    } else if (event.key === 'Escape' && this.layout === 'floating' && this.open) {
      event.stopPropagation();
      this.open = false;
    }
  };

  private onTextInput = (event: InputEvent) => void (this.textValue = (event.target as HTMLInputElement).value);

  private onTextSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const text = this.textValue.trim();
    this.textValue = '';
    // Typing first starts the conversation; the text goes out once connected, or back into the box if it does not
    // start (the terms declined, a failed connection).
    const start = () =>
      this.start().catch((error: unknown) => {
        const taken = this.session.takePendingTexts();
        if (taken.length && !this.textValue) this.textValue = taken.join(' ');
        throw error;
      });
    if (text) this.session.submitText(text, start);
  };

  private onDownloadClick = () => saveTranscript(this.transcriptText(), this.transcript[0]?.at ?? Date.now(), this.renderRoot as ShadowRoot);

  private onDismissError = () => {
    this.dismissedError = this.session.error ?? undefined;
  };

  // --- rendering ------------------------------------------------------------------------------------------------

  private renderPanel(strings: GeminiLiveStrings): TemplateResult {
    const active = this.session.active;
    const connected = this.session.connected;
    const floating = this.layout === 'floating';
    const pushToTalk = this.mode === 'push-to-talk';
    const videoSource = this.session.videoSource;
    const offeredVideo = this.video === 'camera' || this.video === 'screen' ? this.video : null;
    const error = this.session.error;
    const typed = this.typed;
    const fallback = this.session.deviceFallback;
    const status = { state: this.state, error, muted: this.muted, pushToTalk, talking: this.talk.talking, typed };
    return html`<div
      part="panel"
      id="panel"
      role=${floating ? 'dialog' : 'region'}
      aria-label=${strings.panelLabel}
      ?hidden=${floating && !this.open}
    >
      <div class="controls">
        ${toggleButtonTemplate(active, strings, this.onToggleClick, this.onTogglePointerEnter, typed)}
        ${pushToTalk && !typed ? talkButtonTemplate(this.talk, connected, strings) : nothing}
        ${muteButtonTemplate(this.muted, typed, strings, this.onMuteClick)}
        ${offeredVideo
          ? videoButtonTemplate(offeredVideo, videoSource, connected, strings, this.onVideoClick)
          : nothing}
        ${this.transcript.length ? downloadButtonTemplate(strings, this.onDownloadClick) : nothing}
        ${settingsButtonTemplate(this.settings.open, strings, this.settings.toggle)}
        ${floating ? closeButtonTemplate(strings, () => (this.open = false)) : nothing}
      </div>
      <div class="status-row">
        ${visualizerTemplate}
        <div part="status" role="status">${statusText(strings, status)}</div>
      </div>
      ${this.settings.render()}
      ${fallback ? html`<div part="notice" role="status">${strings[fallback === 'camera' ? 'cameraLost' : (`${fallback}Fallback` as const)]}</div>` : nothing}
      ${this.terms.shown ? termsTemplate(strings, this.terms.accept, this.terms.decline) : nothing}
      ${error && error !== this.dismissedError ? errorTemplate(error, strings, this.onDismissError) : nothing}
      ${videoSource
        ? html`<video part="video-preview" aria-label=${strings.videoPreviewLabel} .srcObject=${this.session.videoStream} autoplay muted playsinline></video>`
        : nothing}
      ${transcriptTemplate(this.transcript, strings, typed)}
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">${this.terms.shown
        ? `${strings.termsLabel}: ${this.terms.text}`
        : this.announcer.announcement}</div>
      ${this.textInput || this.textOnly ? textFormTemplate(this.textValue, strings, this.onTextInput, this.onTextSubmit) : nothing}
    </div>`;
  }

  protected override render(): TemplateResult {
    const strings = this.uiStrings;
    const floating = this.layout === 'floating';
    return html`<div part="base" lang=${this.uiLanguage.lang} dir=${this.uiLanguage.dir} @keydown=${this.onBaseKeyDown}>
      ${floating ? launcherTemplate(this.open, strings, this.onLauncherClick, this.onTogglePointerEnter) : nothing}
      ${this.renderPanel(strings)}
    </div>`;
  }
}
