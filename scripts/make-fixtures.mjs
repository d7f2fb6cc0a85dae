// Writes the WAV files that Chromium plays as its microphone in the browser tests' `fake-mic` and `voice` groups
// (`--use-file-for-fake-audio-capture`). scripts/test.mjs runs this before the Chromium run; the test config
// only reads the files.
//   node scripts/make-fixtures.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(rootDir, 'node_modules', '.cache', 'gemini-live');

export const FIXTURES = Object.freeze({
  /** A tone to keep and a tone above 8 kHz to reject (test/fixtures/make-fake-mic-wav.mjs). */
  fakeMic: path.join(dir, 'fake-mic.wav'),
  /** A spoken sentence, then silence (test/fixtures/make-voice-wav.mjs). */
  voice: path.join(dir, 'voice.wav'),
});

/** Writes every fixture, replacing older copies (the makers may have changed). */
export async function makeFixtures() {
  const { makeFakeMicWav } = await import('../test/fixtures/make-fake-mic-wav.mjs');
  const { makeVoiceWav } = await import('../test/fixtures/make-voice-wav.mjs');
  await makeFakeMicWav(FIXTURES.fakeMic);
  await makeVoiceWav(FIXTURES.voice);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await makeFixtures();
  console.log(Object.values(FIXTURES).join('\n'));
}
