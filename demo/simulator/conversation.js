// @ts-check
import { randomBytes } from 'node:crypto';
import { EnergyActivityDetector, detectorSettingsFor } from './activity-detector.js';
import { runsNonBlocking } from './models.js';
import { ModelTurnStream, splitIntoFragments, splitIntoPieces, transcriptionMessages } from './model-turn-stream.js';
import { base64ToPcm16, speechLikeTone } from './pcm.js';
import { composeAnswer, speechPlaceholder } from './persona.js';
import { OUTPUT_SAMPLE_RATE } from './speech.js';
import { declaredFunctions, detectToolCall, exampleArguments } from './tool-intent.js';

/**
 * @typedef {import('./sessions.js').Session} Session
 * @typedef {import('./speech.js').SpeechSynthesizer} SpeechSynthesizer
 * @typedef {import('./persona.js').AnswerCause} AnswerCause
 * @typedef {import('./records.js').ConnectionRecord} ConnectionRecord
 * @typedef {import('./models.js').SimModelProfile} SimModelProfile
 */

/**
 * @typedef {object} ConversationSettings live-tunable behaviour, read at each use
 * @property {number} speed pacing multiplier (1 = real time)
 * @property {number} chunkMs
 * @property {number} sendAheadMs
 * @property {number} responseDelayMs time from end of user turn to first output, at speed 1
 * @property {{ thresholdDb: number, startMs: number, silenceMs: number }} activity
 * @property {'after-audio' | 'before-audio'} inputTranscriptionOrder
 */

/**
 * @typedef {object} ForcedToolCall
 * @property {string} [name] defaults to the first declared function
 * @property {Record<string, unknown>} [args] defaults to example values for its parameters
 */

/**
 * @typedef {object} TurnScript a model turn dictated by the control API
 * @property {string} [text] the model's words: spoken (audio sessions) or sent as text parts (text sessions)
 * @property {string} [audioBase64] 24 kHz PCM16 to send instead of synthesising `text`
 * @property {number} [audioSeconds] send a tone of this length instead of synthesising `text`
 * @property {string} [inputTranscript] sent first as `inputTranscription` pieces
 * @property {string | string[]} [outputTranscript] `outputTranscription` text or pieces (defaults to `text` if
 *   the setup asked for output transcription)
 * @property {ForcedToolCall} [toolCall] make this turn a function call instead
 * @property {boolean} [generationComplete] send `generationComplete` at the end (default true)
 * @property {boolean} [turnComplete] send `turnComplete` at the end (default true)
 * @property {string} [turnCompleteReason] sent with `turnComplete` (e.g. "PROHIBITED_INPUT_CONTENT")
 * @property {boolean} [waitingForInput] sent with `turnComplete`
 */

/**
 * @typedef {object} Generation one model turn in progress
 * @property {number} id
 * @property {'thinking' | 'speaking' | 'awaitingTool'} phase
 * @property {boolean} cancelled
 * @property {string} text what the model is saying ('' until composed)
 * @property {ModelTurnStream | null} stream
 * @property {{ name: string, ids: string[], sent: boolean, answered: Set<string>, responses: unknown[] } | null} toolCall
 */

/**
 * @typedef {object} BackgroundCall a non-blocking function call: the model talks on while it runs
 * @property {string} name
 */

/** What the model says while a non-blocking call runs. @param {string} name */
const fillerFor = (name) => `I am running ${name.replace(/_/g, ' ')} in the background; go on.`;

const AUDIO_TOKENS_PER_SECOND = 32;
const IMAGE_TOKENS = 258;

/** @param {string} text */
const textTokens = (text) => Math.ceil(text.length / 4);

/**
 * The model's side of one connection: activity detection, turn taking, barge-in, tool calls and answers.
 * Transport, setup and faults belong to the connection; this class only sends serverContent-level messages.
 */
export class Conversation {
  /**
   * @param {object} deps
   * @param {Record<string, any>} deps.setup effective wire-format setup
   * @param {SimModelProfile} deps.profile what the model does (tool running, message shapes)
   * @param {Session} deps.session
   * @param {boolean} deps.resumed whether the session came from a resumption handle
   * @param {SpeechSynthesizer} deps.speech
   * @param {() => ConversationSettings} deps.settings
   * @param {(message: Record<string, any>) => void} deps.send
   * @param {ConnectionRecord} deps.record
   * @param {(toolCapable: boolean) => ForcedToolCall | null} deps.takeForcedToolCall simulator-wide forced calls
   * @param {() => void} deps.onTurnBoundary called after every turnComplete
   */
  constructor(deps) {
    this.deps = deps;
    const { setup } = deps;
    const modalities = setup.generationConfig?.responseModalities ?? setup.responseModalities;
    this.audioOutput = !(Array.isArray(modalities) && modalities.length > 0 && !modalities.includes('AUDIO'));
    this.transcribeInput = setup.inputAudioTranscription !== undefined && setup.inputAudioTranscription !== null;
    this.transcribeOutput = setup.outputAudioTranscription !== undefined && setup.outputAudioTranscription !== null;
    const input = setup.realtimeInputConfig ?? {};
    this.automaticActivity = !input.automaticActivityDetection?.disabled;
    this.interruptible = input.activityHandling !== 'NO_INTERRUPTION';
    this.functions = declaredFunctions(setup);
    this.profile = deps.profile;
    /** @type {Map<string, BackgroundCall>} non-blocking calls sent and not yet answered */
    this.backgroundCalls = new Map();
    /** @type {Array<Record<string, any>>} the user's transcription, held back until the model's first audio */
    this.lateInput = [];
    const voiceConfig = setup.generationConfig?.speechConfig ?? {};
    this.voice = {
      voiceName: voiceConfig.voiceConfig?.prebuiltVoiceConfig?.voiceName,
      languageCode: voiceConfig.languageCode,
    };
    /** @type {Generation | null} */
    this.generation = null;
    this.nextGenerationId = 1;
    /** @type {EnergyActivityDetector | null} */
    this.detector = null;
    this.detectorRate = 0;
    /** Seconds of audio inside an explicit activityStart…activityEnd bracket, or null outside one. */
    /** @type {number | null} */
    this.manualSeconds = null;
    this.videoFramesSinceAnswer = 0;
    this.pendingInputTokens = 0;
    /** @type {string[]} client content sent with turnComplete false, waiting for a complete turn */
    this.pendingClientText = [];
    /** @type {ForcedToolCall | null} */
    this.forcedToolCall = null;
    this.welcomeBackPending = deps.resumed;
    this.disposed = false;
    /** @type {Set<ReturnType<typeof setTimeout>>} */
    this.timers = new Set();
    /** @type {Array<() => void>} */
    this.idleWaiters = [];
  }

  get busy() {
    return this.generation !== null;
  }

  get toolCapable() {
    return this.functions.length > 0;
  }

  // ---- input -------------------------------------------------------------------------------------------

  /**
   * @param {Int16Array} samples
   * @param {number} sampleRate
   */
  onAudio(samples, sampleRate) {
    if (this.disposed) return;
    if (!this.automaticActivity) {
      if (this.manualSeconds !== null) this.manualSeconds += samples.length / sampleRate;
      return;
    }
    const detector = this.#detectorFor(sampleRate);
    for (const event of detector.push(samples)) {
      if (event.type === 'start') this.#speechStarted();
      else this.#speechEnded(event.speechSamples / sampleRate);
    }
  }

  onActivityStart() {
    if (this.disposed) return;
    this.#activity('activityStart');
    if (this.generation && this.interruptible) this.interrupt();
    this.manualSeconds = 0;
  }

  onActivityEnd() {
    if (this.disposed) return;
    this.#activity('activityEnd');
    if (this.manualSeconds === null) return;
    const seconds = this.manualSeconds;
    this.manualSeconds = null;
    this.#userTurn({ kind: 'audio', seconds });
  }

  onAudioStreamEnd() {
    if (this.disposed) return;
    const event = this.detector?.flush();
    if (event?.type === 'end') this.#speechEnded(event.speechSamples / this.detectorRate);
  }

  onVideoFrame() {
    this.videoFramesSinceAnswer++;
    this.pendingInputTokens += IMAGE_TOKENS;
  }

  /**
   * A complete text turn (`realtimeInput.text`).
   * @param {string} text
   */
  onText(text) {
    if (this.disposed) return;
    this.#userTurn({ kind: 'text', text });
  }

  /**
   * @param {unknown} turns `clientContent.turns`
   * @param {boolean} turnComplete
   */
  onClientContent(turns, turnComplete) {
    if (this.disposed) return;
    const list = Array.isArray(turns) ? turns : turns ? [turns] : [];
    /** @type {string[]} */
    const userText = [];
    for (const turn of list) {
      const parts = Array.isArray(turn?.parts) ? turn.parts : [];
      const text = parts
        .map((/** @type {any} */ part) => (typeof part?.text === 'string' ? part.text : ''))
        .filter(Boolean)
        .join(' ');
      if (turn?.role === 'model') {
        // Seeded model history: remembered, not answered.
        this.deps.session.history.push({ role: 'model', text });
        this.pendingInputTokens += textTokens(text);
      } else {
        userText.push(text || '(non-text content)');
      }
    }
    if (this.generation && this.interruptible && (userText.length > 0 || turnComplete)) this.interrupt();
    this.pendingClientText.push(...userText);
    if (!turnComplete) return;
    const text = this.pendingClientText.join(' ');
    this.pendingClientText = [];
    this.#userTurn({ kind: 'text', text });
  }

  /**
   * @param {unknown} functionResponses
   * @returns {boolean} whether the responses answered the pending tool call
   */
  onToolResponse(functionResponses) {
    const responses = Array.isArray(functionResponses) ? functionResponses : [];
    const background = responses.filter((response) => this.backgroundCalls.has(response?.id));
    for (const response of background) this.#backgroundResult(response);
    const blocking = responses.filter((response) => !background.includes(response));
    return this.#blockingResponses(blocking) || background.length > 0;
  }

  /**
   * A context update (`contextUpdate`): new tools and/or system instruction for the rest of the session.
   * @param {Record<string, any>} update
   */
  onContextUpdate(update) {
    const tools = update.tools && typeof update.tools === 'object' ? update.tools.tools : undefined;
    if (Array.isArray(tools)) this.functions = declaredFunctions({ tools });
    if (update.systemInstruction) this.deps.session.promptTokens += 1;
  }

  /**
   * The result of a non-blocking call, taken up as its `scheduling` says: INTERRUPT cuts in, WHEN_IDLE waits for
   * the end of the spoken turn, SILENT says nothing.
   * @param {Record<string, any>} functionResponse
   */
  #backgroundResult(functionResponse) {
    const id = functionResponse.id;
    const call = /** @type {BackgroundCall} */ (this.backgroundCalls.get(id));
    this.backgroundCalls.delete(id);
    const { scheduling: inner, ...result } = functionResponse.response && typeof functionResponse.response === 'object' ? functionResponse.response : {};
    const scheduling = String(functionResponse.scheduling ?? inner ?? 'WHEN_IDLE');
    if (functionResponse.scheduling === undefined && inner === undefined) {
      this.deps.record.notes.push(`toolResponse for ${call.name} without scheduling: taken as WHEN_IDLE`);
    }
    this.#markToolCall(id, 'answered', scheduling);
    this.pendingInputTokens += textTokens(JSON.stringify(result));
    if (scheduling === 'SILENT') return;
    const speak = () => {
      if (this.disposed) return;
      const generation = this.#beginGeneration();
      void this.#answer(generation, { kind: 'tool', name: call.name, response: result });
    };
    const speakWhenIdle = () => {
      if (this.generation) void this.whenIdle().then(speakWhenIdle);
      else speak();
    };
    if (scheduling === 'INTERRUPT' && this.generation) this.interrupt();
    speakWhenIdle();
  }

  /**
   * @param {unknown[]} responses
   * @returns {boolean} whether the responses answered the pending blocking call
   */
  #blockingResponses(responses) {
    const generation = this.generation;
    const call = generation?.toolCall;
    if (!generation || !call || generation.phase !== 'awaitingTool') return false;
    let matched = false;
    for (const response of /** @type {any[]} */ (responses)) {
      const id = typeof response?.id === 'string' ? response.id : null;
      const target = id ?? (response?.name === call.name ? call.ids.find((candidate) => !call.answered.has(candidate)) : null);
      if (!target || !call.ids.includes(target) || call.answered.has(target)) continue;
      call.answered.add(target);
      call.responses.push(response?.response);
      matched = true;
      this.#markToolCall(target, 'answered');
      this.pendingInputTokens += textTokens(JSON.stringify(response?.response ?? null));
    }
    if (matched && call.answered.size === call.ids.length) {
      const response = call.responses.length === 1 ? call.responses[0] : call.responses;
      void this.#answer(generation, { kind: 'tool', name: call.name, response });
    }
    return matched;
  }

  // ---- control -----------------------------------------------------------------------------------------

  /**
   * A user turn without real input, as if the user had spoken for `seconds` (or typed `text`): browser tests
   * can trigger answers and tool calls whatever the microphone delivers.
   * @param {{ text?: string, seconds?: number }} turn
   */
  simulateUserTurn({ text, seconds }) {
    if (this.disposed) return;
    if (typeof text === 'string') {
      this.#userTurn({ kind: 'text', text });
      return;
    }
    const duration = typeof seconds === 'number' && seconds >= 0 ? seconds : 1;
    this.#activity('simulatedSpeech', duration);
    this.#userTurn({ kind: 'audio', seconds: duration });
  }

  /** @param {ForcedToolCall} call */
  forceToolCall(call) {
    this.forcedToolCall = { ...call };
  }

  /**
   * Plays a dictated model turn, interrupting any answer in progress first.
   * @param {TurnScript} script
   * @returns {Promise<void>} resolves when the turn has been sent (or was cut short)
   */
  async scriptTurn(script) {
    if (this.disposed) return;
    if (this.generation) this.interrupt();
    const generation = this.#beginGeneration();
    if (script.inputTranscript) this.#userTranscription(script.inputTranscript);
    if (script.toolCall) {
      this.#callTool(generation, script.toolCall);
      return;
    }
    const text = script.text ?? '';
    generation.text = text;
    /** @type {Int16Array | null} */
    let audio = null;
    if (script.audioBase64) audio = base64ToPcm16(script.audioBase64);
    else if (typeof script.audioSeconds === 'number') audio = speechLikeTone(script.audioSeconds * 1000, OUTPUT_SAMPLE_RATE);
    else if (this.audioOutput && text) audio = (await this.deps.speech.synthesize(text, this.voice)).samples;
    if (generation.cancelled) return;
    const transcript =
      typeof script.outputTranscript === 'string'
        ? splitIntoFragments(script.outputTranscript)
        : Array.isArray(script.outputTranscript)
          ? script.outputTranscript
          : audio && this.transcribeOutput && text
            ? splitIntoFragments(text)
            : [];
    await this.#stream(generation, {
      audio,
      transcript: audio ? transcript : [],
      textParts: audio ? [] : splitIntoPieces(text),
    }, {
      generationComplete: script.generationComplete !== false,
      turnComplete: script.turnComplete !== false,
      turnCompleteReason: script.turnCompleteReason,
      waitingForInput: script.waitingForInput,
    });
  }

  /**
   * Cuts the current model turn short: cancels a pending tool call, then `interrupted` and `turnComplete`.
   */
  interrupt() {
    const generation = this.generation;
    if (!generation) return;
    this.#flushLateInput();
    generation.cancelled = true;
    generation.stream?.cancel();
    if (generation.phase === 'awaitingTool' && generation.toolCall?.sent) {
      const ids = generation.toolCall.ids.filter((id) => !generation.toolCall?.answered.has(id));
      if (ids.length > 0) {
        this.deps.send({ toolCallCancellation: { ids } });
        for (const id of ids) this.#markToolCall(id, 'cancelled');
      }
    }
    this.deps.send({ serverContent: { interrupted: true } });
    this.deps.record.turns.interrupted++;
    this.#finishTurn(generation, { interrupted: true, responseTokens: 0 });
  }

  /** @returns {Promise<void>} */
  whenIdle() {
    if (!this.generation || this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    if (this.generation) {
      this.generation.cancelled = true;
      this.generation.stream?.cancel();
      this.generation = null;
    }
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.#releaseIdleWaiters();
  }

  // ---- turn taking -------------------------------------------------------------------------------------

  /** @param {number} sampleRate */
  #detectorFor(sampleRate) {
    if (!this.detector || this.detectorRate !== sampleRate) {
      const settings = detectorSettingsFor(
        this.deps.setup.realtimeInputConfig?.automaticActivityDetection,
        this.deps.settings().activity,
        { ignoreSilenceDuration: this.profile.ignoresSilenceDuration },
      );
      this.detector = new EnergyActivityDetector({ sampleRate, ...settings });
      this.detectorRate = sampleRate;
    }
    return this.detector;
  }

  #speechStarted() {
    this.#activity('speechStart');
    if (this.generation && this.interruptible) this.interrupt();
  }

  /** @param {number} seconds */
  #speechEnded(seconds) {
    this.#activity('speechEnd', seconds);
    this.#userTurn({ kind: 'audio', seconds });
  }

  /**
   * @param {'activityStart' | 'activityEnd' | 'speechStart' | 'speechEnd' | 'simulatedSpeech'} type
   * @param {number} [seconds]
   */
  #activity(type, seconds) {
    const record = this.deps.record;
    const entry = { at: Date.now() - record.openedAt, type, ...(seconds === undefined ? {} : { seconds: round(seconds) }) };
    record.activity.push(entry);
  }

  /** @param {AnswerCause} cause */
  #userTurn(cause) {
    if (this.generation) {
      if (this.interruptible) this.interrupt();
      else {
        // Under NO_INTERRUPTION the answer runs to its end; the new input is answered afterwards.
        void this.whenIdle().then(() => this.#userTurn(cause));
        return;
      }
    }
    const { session, record } = this.deps;
    if (cause.kind === 'audio') {
      this.pendingInputTokens += Math.ceil(cause.seconds * AUDIO_TOKENS_PER_SECOND);
      if (cause.seconds > 0) this.#userTranscription(speechPlaceholder(cause.seconds));
      session.history.push({ role: 'user', text: speechPlaceholder(cause.seconds) });
    } else if (cause.kind === 'text') {
      this.pendingInputTokens += textTokens(cause.text);
      session.history.push({ role: 'user', text: cause.text });
    }
    session.userTurns++;
    record.turns.user++;
    const generation = this.#beginGeneration();
    const forced = this.forcedToolCall ?? this.deps.takeForcedToolCall(this.toolCapable);
    if (forced) this.forcedToolCall = null;
    const detected = cause.kind === 'text' ? detectToolCall(cause.text, this.functions) : null;
    const intent = forced ?? detected;
    if (!intent) {
      void this.#answer(generation, cause);
      return;
    }
    const fn = this.functions.find((candidate) => candidate.name === (intent.name ?? this.functions[0]?.name));
    // The model never saw a schema given only as parametersJsonSchema: it calls the function with empty arguments.
    if (intent === detected && fn?.argumentsUnseen) intent.args = {};
    if (runsNonBlocking(this.profile, fn?.behavior)) this.#callToolInBackground(generation, intent);
    else this.#callTool(generation, intent);
  }

  /**
   * The user's words as transcription fragments: now, or (as the service sends them today) after the model's
   * first audio of the answer.
   * @param {string} text
   */
  #userTranscription(text) {
    if (!this.transcribeInput) return;
    const messages = transcriptionMessages('inputTranscription', splitIntoFragments(text));
    if (this.deps.settings().inputTranscriptionOrder === 'after-audio') this.lateInput.push(...messages);
    else for (const message of messages) this.deps.send(message);
  }

  /** Sends transcription still held back (the answer had no audio, or was cut short). */
  #flushLateInput() {
    const messages = this.lateInput.splice(0);
    for (const message of messages) this.deps.send(message);
  }

  #beginGeneration() {
    /** @type {Generation} */
    const generation = {
      id: this.nextGenerationId++,
      phase: 'thinking',
      cancelled: false,
      text: '',
      stream: null,
      toolCall: null,
    };
    this.generation = generation;
    return generation;
  }

  /**
   * @param {Generation} generation
   * @param {ForcedToolCall} call
   */
  #callTool(generation, call) {
    const { name, args, id } = this.#prepareCall(call);
    generation.phase = 'awaitingTool';
    const toolCall = { name, ids: [id], sent: false, answered: new Set(), responses: [] };
    generation.toolCall = toolCall;
    this.#after(this.#responseDelay(), () => {
      if (generation.cancelled) return;
      toolCall.sent = true;
      this.#flushLateInput();
      this.deps.send(this.#noteCall(id, name, args, 'blocking'));
    });
  }

  /**
   * A non-blocking call: the model says it is on it, sends the call while it speaks, and talks on; the result
   * is taken up when it comes (see {@link #backgroundResult}).
   * @param {Generation} generation
   * @param {ForcedToolCall} call
   */
  #callToolInBackground(generation, call) {
    const { name, args, id } = this.#prepareCall(call);
    // Made once the filler has begun (a filler cut off before that never made the call).
    const send = () => {
      this.backgroundCalls.set(id, { name });
      this.deps.send(this.#noteCall(id, name, args, 'non-blocking'));
    };
    void this.#answer(generation, { kind: 'text', text: '' }, { text: fillerFor(name), afterFirstAudio: [send] });
  }

  /**
   * @param {ForcedToolCall} call
   * @returns {{ name: string, args: Record<string, unknown>, id: string }}
   */
  #prepareCall(call) {
    const name = call.name ?? this.functions[0]?.name ?? 'tool';
    const fn = this.functions.find((candidate) => candidate.name === name);
    // Arguments dictated through the control API are sent as dictated.
    const args = call.args ?? (fn?.argumentsUnseen ? {} : exampleArguments(fn));
    return { name, args, id: `fc-${randomBytes(6).toString('hex')}` };
  }

  /**
   * Records a call and returns its message.
   * @param {string} id
   * @param {string} name
   * @param {Record<string, unknown>} args
   * @param {'blocking' | 'non-blocking'} behavior
   */
  #noteCall(id, name, args, behavior) {
    this.deps.record.toolCalls.push({ id, name, args, at: Date.now() - this.deps.record.openedAt, status: 'pending', behavior });
    return { toolCall: { functionCalls: [{ id, name, args }] } };
  }

  /**
   * @param {string} id
   * @param {'answered' | 'cancelled'} status
   * @param {string} [scheduling] how a non-blocking call's result was taken up
   */
  #markToolCall(id, status, scheduling) {
    const entry = this.deps.record.toolCalls.find((call) => call.id === id);
    if (!entry) return;
    entry.status = status;
    if (scheduling) entry.scheduling = scheduling;
  }

  /**
   * Composes, voices and streams an answer.
   * @param {Generation} generation
   * @param {AnswerCause} cause
   * @param {{ text?: string, afterFirstAudio?: Array<() => void> }} [extra] fixed words instead of composed
   *   ones; what to do once the answer has begun
   */
  async #answer(generation, cause, extra = {}) {
    const { session } = this.deps;
    generation.phase = 'thinking';
    let text = extra.text;
    if (text === undefined) {
      text = composeAnswer(cause, {
        introduce: !session.introduced,
        welcomeBack: this.welcomeBackPending,
        turnNumber: session.userTurns,
        videoFrames: this.videoFramesSinceAnswer,
      });
      session.introduced = true;
      this.welcomeBackPending = false;
      this.videoFramesSinceAnswer = 0;
    }
    generation.text = text;
    const delay = this.#sleep(this.#responseDelay());
    const audio = this.audioOutput ? this.deps.speech.synthesize(text, this.voice) : null;
    const [utterance] = await Promise.all([audio, delay]);
    if (generation.cancelled || this.disposed) return;
    await this.#stream(
      generation,
      {
        audio: utterance ? utterance.samples : null,
        transcript: utterance && this.transcribeOutput ? splitIntoFragments(text) : [],
        textParts: utterance ? [] : splitIntoPieces(text),
        afterFirstAudio: extra.afterFirstAudio,
      },
      { generationComplete: true, turnComplete: true },
    );
  }

  /**
   * @param {Generation} generation
   * @param {import('./model-turn-stream.js').StreamPlan} plan
   * @param {{ generationComplete: boolean, turnComplete: boolean, turnCompleteReason?: string, waitingForInput?: boolean }} ending
   */
  async #stream(generation, plan, ending) {
    const settings = this.deps.settings();
    generation.phase = 'speaking';
    const stream = new ModelTurnStream(
      { ...plan, afterFirstAudio: [() => this.#flushLateInput(), ...(plan.afterFirstAudio ?? [])] },
      {
        chunkMs: settings.chunkMs,
        aheadMs: settings.sendAheadMs,
        speed: settings.speed,
        textPieceMs: 60,
        combine: this.profile.combinedContent,
      },
      this.deps.send,
    );
    generation.stream = stream;
    const finished = await stream.start();
    if (!finished || generation.cancelled || this.disposed) return;
    const responseTokens = plan.audio
      ? Math.ceil((plan.audio.length / OUTPUT_SAMPLE_RATE) * AUDIO_TOKENS_PER_SECOND)
      : textTokens(plan.textParts.join(''));
    if (ending.generationComplete) this.deps.send({ serverContent: { generationComplete: true } });
    if (!ending.turnComplete) {
      // A script may leave the turn open; it still ends here as far as turn taking is concerned.
      this.generation = null;
      this.#releaseIdleWaiters();
      return;
    }
    this.#finishTurn(generation, {
      interrupted: false,
      responseTokens,
      turnCompleteReason: ending.turnCompleteReason,
      waitingForInput: ending.waitingForInput,
    });
  }

  /**
   * Sends `turnComplete` with usage and closes the books on a model turn.
   * @param {Generation} generation
   * @param {{ interrupted: boolean, responseTokens: number, turnCompleteReason?: string, waitingForInput?: boolean }} outcome
   */
  #finishTurn(generation, outcome) {
    const { session, record } = this.deps;
    this.#flushLateInput();
    const promptTokens = session.promptTokens + this.pendingInputTokens;
    const usageMetadata = {
      promptTokenCount: promptTokens,
      responseTokenCount: outcome.responseTokens,
      totalTokenCount: promptTokens + outcome.responseTokens,
    };
    /** @type {Record<string, unknown>} */
    const serverContent = { turnComplete: true };
    if (outcome.turnCompleteReason) serverContent.turnCompleteReason = outcome.turnCompleteReason;
    if (outcome.waitingForInput !== undefined) serverContent.waitingForInput = outcome.waitingForInput;
    // 3.x models send usage in a message of its own.
    if (this.profile.separateUsage) {
      this.deps.send({ serverContent });
      this.deps.send({ usageMetadata });
    } else {
      this.deps.send({ serverContent, usageMetadata });
    }
    session.promptTokens = promptTokens + outcome.responseTokens;
    this.pendingInputTokens = 0;
    const said = generation.text || (generation.toolCall ? `(call ${generation.toolCall.name})` : '');
    session.history.push({ role: 'model', text: said, ...(outcome.interrupted ? { interrupted: true } : {}) });
    session.modelTurns++;
    record.turns.model++;
    if (this.generation === generation) this.generation = null;
    this.deps.onTurnBoundary();
    this.#releaseIdleWaiters();
  }

  #releaseIdleWaiters() {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #responseDelay() {
    const { responseDelayMs, speed } = this.deps.settings();
    return speed > 0 && speed !== Infinity ? responseDelayMs / speed : 0;
  }

  /**
   * @param {number} ms
   * @param {() => void} callback
   */
  #after(ms, callback) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.disposed) callback();
    }, ms);
    this.timers.add(timer);
  }

  /** @param {number} ms @returns {Promise<void>} */
  #sleep(ms) {
    return new Promise((resolve) => this.#after(ms, resolve));
  }
}

/** @param {number} value */
function round(value) {
  return Math.round(value * 1000) / 1000;
}
