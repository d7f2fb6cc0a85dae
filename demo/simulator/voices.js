// @ts-check
/**
 * Maps the Live API's prebuilt voice names onto espeak-ng voices, so switching `voiceName` audibly changes
 * the simulator's voice too.
 */

const FEMALE = new Set([
  'zephyr', 'kore', 'leda', 'aoede', 'callirrhoe', 'autonoe', 'despina', 'erinome', 'laomedeia', 'achernar',
  'gacrux', 'pulcherrima', 'vindemiatrix', 'sulafat',
]);

/** Explicit choices for the best-known voices; the others are spread over the variants by name. */
const PREFERRED = /** @type {Record<string, string>} */ ({
  puck: 'm3',
  charon: 'm1',
  kore: 'f2',
  fenrir: 'm7',
  aoede: 'f4',
  leda: 'f5',
  orus: 'm2',
  zephyr: 'f3',
});

const FEMALE_VARIANTS = ['f1', 'f2', 'f3', 'f4', 'f5'];
const MALE_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];

/** @param {string} text */
function hash(text) {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * @param {string | undefined} voiceName e.g. "Kore"; the service's default voice is Puck
 * @param {string | undefined} languageCode e.g. "en-GB"; the persona speaks English, so only English accents apply
 * @returns {string} an espeak-ng `-v` argument such as "en-us+f2"
 */
export function espeakVoiceFor(voiceName, languageCode) {
  const language = /^en-(gb|uk|au|nz|ie|za|in)/i.test(languageCode ?? '') ? 'en-gb' : 'en-us';
  const name = (voiceName || 'Puck').toLowerCase();
  const variant =
    PREFERRED[name] ??
    (FEMALE.has(name)
      ? FEMALE_VARIANTS[hash(name) % FEMALE_VARIANTS.length]
      : MALE_VARIANTS[hash(name) % MALE_VARIANTS.length]);
  return `${language}+${variant}`;
}
