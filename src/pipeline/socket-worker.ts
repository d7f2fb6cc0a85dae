/// <reference lib="webworker" />
/**
 * The socket worker: a session's {@link Pipeline} off the page's main thread, and the level meter drawn from the
 * worklets' levels. Per second of conversation the page then handles what the server says besides audio and a
 * few reports, not 50 microphone chunks, 25 audio messages and 40 level reports.
 */
import { MeterPainter } from './meter-painter.js';
import { BEAT_MS, type PipelineCommand, type PipelineEvent } from './messages.js';
import { Pipeline } from './pipeline.js';

declare const self: DedicatedWorkerGlobalScope;

const pipeline = new Pipeline((event: PipelineEvent) => {
  self.postMessage(event);
  if (event.type === 'ended') self.close();
});
let meter: MeterPainter | undefined;
pipeline.onLevels = (input, output) => meter?.levels(input, output);

self.onmessage = (event: MessageEvent<PipelineCommand>) => {
  const command = event.data;
  switch (command.type) {
    case 'meter':
      meter = new MeterPainter(command.canvas, command.width, command.height, command.look);
      meter.levels(pipeline.inputLevel, pipeline.outputLevel);
      break;
    case 'meter-look':
      meter?.setLook(command.look);
      break;
    case 'meter-visible':
      meter?.setVisible(command.visible);
      break;
    case 'shutdown':
      meter = undefined;
      pipeline.handle(command);
      break;
    default:
      pipeline.handle(command);
  }
};

self.postMessage({ type: 'ready' } satisfies PipelineEvent);
// The capture worklet takes a worker that has missed a few beats to have failed, and tells the page.
setInterval(() => pipeline.beat(), BEAT_MS);
