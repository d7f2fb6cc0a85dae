/**
 * Typed access to the AudioWorkletGlobalScope. TypeScript's DOM library does not describe it, and declaring its
 * globals (`sampleRate`, `currentTime`, `registerProcessor`…) globally would make them type-check in main-thread
 * code too, where they do not exist. Processors read them through `worklet` instead.
 */

/** What `AudioWorkletProcessor` instances provide to subclasses. */
export interface AudioWorkletProcessorBase {
  readonly port: MessagePort;
}

/** A processor implementation, as `registerProcessor` expects it. */
export interface AudioWorkletProcessorImplementation extends AudioWorkletProcessorBase {
  process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

interface AudioWorkletGlobalScope {
  readonly AudioWorkletProcessor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessorBase;
  registerProcessor(
    name: string,
    processor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessorImplementation,
  ): void;
  readonly sampleRate: number;
  readonly currentTime: number;
  readonly currentFrame: number;
}

/** The worklet's global scope. Only meaningful inside an AudioWorklet. */
export const worklet = globalThis as unknown as AudioWorkletGlobalScope;
