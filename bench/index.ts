// `npm run bench`: resampler speed and quality against libsamplerate-js and a linear interpolator, and the cost
// of base64 for audio chunks. Prints Markdown tables (BENCHMARKS.md quotes them).
import os from 'node:os';
import { PolyphaseResampler } from '../src/audio/resampler.js';
import { measureBase64 } from './base64.js';
import { converters } from './converters.js';
import { measureQuality } from './quality.js';
import { measureThroughput } from './throughput.js';

const PAIRS: Array<[number, number]> = [
  [48000, 16000],
  [44100, 16000],
  [24000, 48000],
];

const khz = (rate: number) => `${rate / 1000}`;
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '∞');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const cpu = os.cpus();
  console.log('# gemini-live audio benchmarks\n');
  const system = `${os.platform()} ${os.release()}, Node ${process.version}`;
  console.log(`Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${system}\n`);

  for (const [inputRate, outputRate] of PAIRS) {
    const design = new PolyphaseResampler(inputRate, outputRate);
    console.log(`## ${khz(inputRate)} kHz → ${khz(outputRate)} kHz\n`);
    console.log(
      `Ours: ${design.taps} taps per output, ${design.phases} polyphase branch${design.phases === 1 ? '' : 'es'}, ` +
        `look-ahead ${((design.latency / inputRate) * 1000).toFixed(2)} ms.\n`,
    );
    const rows: string[][] = [];
    const speeds = await measureThroughput(converters, inputRate, outputRate);
    for (const [index, factory] of converters.entries()) {
      const speed = speeds[index];
      const quality = await measureQuality(factory, inputRate, outputRate);
      rows.push([
        factory.name,
        `${fixed(speed.realtime, 0)}×`,
        fixed(speed.nsPerSample, 1),
        fixed(quality.rejectionDb, 1),
        `${quality.worstToneHz}`,
        fixed(quality.rippleDb, 3),
      ]);
    }
    const rejection =
      outputRate < inputRate ? 'alias rejection, dB (worst tone > 8 kHz)' : 'image rejection, dB (worst)';
    const header = ['converter', 'speed (× real time)', 'ns / input sample', rejection, 'worst at input Hz'];
    console.log(table([...header, 'passband ripple, dB'], rows));
    console.log();
  }

  const base64 = measureBase64();
  console.log('## base64\n');
  console.log(
    table(
      ['encode a 20 ms chunk (640 bytes)', 'µs per chunk'],
      base64.encode.map((entry) => [entry.name, fixed(entry.microseconds, 2)]),
    ),
  );
  console.log();
  console.log(
    table(
      ['decode 40 ms of model audio (2560 characters)', 'µs per chunk'],
      base64.decode.map((entry) => [entry.name, fixed(entry.microseconds, 2)]),
    ),
  );
  console.log();
}

await main();
