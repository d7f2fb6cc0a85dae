// @ts-check
/**
 * Worker thread that runs espeak-ng (WebAssembly) so synthesis never blocks the simulator's event loop.
 *
 * The package's Emscripten build runs `main` once per instantiation and does not export `callMain`, so every
 * utterance needs a fresh instance; the worker keeps the compiled WebAssembly module and only instantiates it.
 *
 * Request:  { id, text, voice, wordsPerMinute, sampleRate }
 * Response: { id, samples: Int16Array } | { id, error: string }
 */
import { parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import ESpeakNg from 'espeak-ng';
import { parseWav } from './pcm.js';
import { resamplePcm16 } from './resampler.js';

if (!parentPort) throw new Error('speech-worker.js must run in a worker thread');
const port = parentPort;

/** @type {Promise<WebAssembly.Module> | undefined} */
let compiled;

function compileOnce() {
  compiled ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('espeak-ng/dist/espeak-ng.wasm');
    return WebAssembly.compile(await readFile(wasmPath));
  })();
  return compiled;
}

/**
 * @param {string} text
 * @param {string} voice
 * @param {number} wordsPerMinute
 * @returns {Promise<{ sampleRate: number, samples: Int16Array }>}
 */
async function synthesize(text, voice, wordsPerMinute) {
  const module = await compileOnce();
  // A leading space keeps text that starts with "-" from being read as an option.
  const instance = await ESpeakNg({
    arguments: ['-w', '/tmp/utterance.wav', '-v', voice, '-s', String(wordsPerMinute), ` ${text}`],
    print: () => {},
    printErr: () => {},
    /**
     * @param {WebAssembly.Imports} imports
     * @param {(instance: WebAssembly.Instance, module: WebAssembly.Module) => void} done
     */
    instantiateWasm(imports, done) {
      WebAssembly.instantiate(module, imports).then((wasm) => done(wasm, module));
      return {};
    },
  });
  return parseWav(instance.FS.readFile('/tmp/utterance.wav'));
}

port.on('message', async (/** @type {{ id: number, text: string, voice: string, wordsPerMinute: number, sampleRate: number }} */ request) => {
  try {
    const wav = await synthesize(request.text, request.voice, request.wordsPerMinute);
    const samples = resamplePcm16(wav.samples, wav.sampleRate, request.sampleRate);
    port.postMessage({ id: request.id, samples }, [/** @type {ArrayBuffer} */ (samples.buffer)]);
  } catch (error) {
    port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
