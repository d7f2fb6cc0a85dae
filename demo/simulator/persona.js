// @ts-check
/**
 * What the simulator says. It cannot understand anything, so it says so and reports what it received.
 */

const NUMBER_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
];

/** @param {number} n */
function spell(n) {
  return n >= 0 && n < NUMBER_WORDS.length ? NUMBER_WORDS[n] : String(n);
}

/**
 * "about two seconds", "about half a second"
 * @param {number} seconds
 */
export function describeDuration(seconds) {
  if (seconds < 0.75) return 'about half a second';
  const whole = Math.round(seconds);
  return `about ${spell(whole)} second${whole === 1 ? '' : 's'}`;
}

/**
 * Shortens text for repeating it back, on a word boundary.
 * @param {string} text
 * @param {number} [limit]
 */
export function clip(text, limit = 160) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= limit) return flat;
  const cut = flat.slice(0, limit);
  const space = cut.lastIndexOf(' ');
  return `${space > limit / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * The input transcription the simulator can honestly give for speech it cannot recognise: "(speech, 2.1 s)".
 * @param {number} seconds
 */
export function speechPlaceholder(seconds) {
  return `(speech, ${seconds.toFixed(1)} s)`;
}

/**
 * A tool result in a sentence: "get_weather returned temperature 21, sky sunny."
 * @param {string} name
 * @param {unknown} response the `response` of a FunctionResponse
 */
export function describeToolResult(name, response) {
  return `${name} returned ${clip(summarise(unwrap(response)), 160)}.`;
}

/** FunctionResponse payloads are conventionally `{ result }` or `{ output }`. @param {unknown} response */
function unwrap(response) {
  if (response && typeof response === 'object' && !Array.isArray(response)) {
    const record = /** @type {Record<string, unknown>} */ (response);
    const keys = Object.keys(record);
    if (keys.length === 1 && (keys[0] === 'result' || keys[0] === 'output')) return record[keys[0]];
  }
  return response;
}

/** @param {unknown} value @returns {string} */
function summarise(value) {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return value.replace(/[.\s]+$/, '') || 'an empty text';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : value.map(summarise).join(', ');
  const entries = Object.entries(/** @type {Record<string, unknown>} */ (value));
  if (entries.length === 0) return 'an empty object';
  return entries
    .map(([key, inner]) => `${key.replace(/_/g, ' ')} ${typeof inner === 'object' && inner !== null ? JSON.stringify(inner) : summarise(inner)}`)
    .join(', ');
}

/**
 * @typedef {{ kind: 'text', text: string }
 *   | { kind: 'audio', seconds: number }
 *   | { kind: 'tool', name: string, response: unknown }
 *   | { kind: 'tool-error', name: string }} AnswerCause
 */

/**
 * The model's words for one turn.
 * @param {AnswerCause} cause
 * @param {{ introduce: boolean, welcomeBack: boolean, turnNumber: number, videoFrames: number }} context
 */
export function composeAnswer(cause, context) {
  /** @type {string[]} */
  const sentences = [];
  if (context.introduce) sentences.push('Hi, this is the offline Gemini Live simulator.');
  if (context.welcomeBack) sentences.push(`Welcome back, this is turn ${spell(context.turnNumber)} of our conversation.`);
  switch (cause.kind) {
    case 'text': {
      const said = clip(cause.text);
      sentences.push(said ? `You said: ${/[.!?…]$/.test(said) ? said : `${said}.`}` : 'You sent an empty message.');
      break;
    }
    case 'audio':
      sentences.push(
        cause.seconds > 0 ? `I heard ${describeDuration(cause.seconds)} of speech.` : 'I did not receive any audio.',
      );
      break;
    case 'tool':
      sentences.push(describeToolResult(cause.name, cause.response));
      break;
    case 'tool-error':
      sentences.push(`${cause.name} did not return a result.`);
      break;
  }
  if (context.videoFrames > 0) {
    sentences.push(`I also received ${spell(context.videoFrames)} video frame${context.videoFrames === 1 ? '' : 's'}.`);
  }
  return sentences.join(' ');
}
