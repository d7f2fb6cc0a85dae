/** Helpers for tests of the `<gemini-live>` element against the simulator. */
import { fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import '../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../src/gemini-live.js';
import type { AudioEngine } from '../../src/audio/audio-engine.js';
import { simulatorUrl } from './simulator.js';
import { SIM_MODEL } from './session.js';

/** The element's region named `name` (a `part`), if rendered. */
export const part = <T extends HTMLElement = HTMLElement>(el: GeminiLiveElement, name: string) =>
  el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);

/** Points an element at the simulator: tokens from the test server's `/api/token`, a model it serves. */
/** The audio engine of the element's running session (none before a start or after a stop). */
export const engineOf = (el: GeminiLiveElement) =>
  (el as unknown as { session: { session: { engine?: AudioEngine } | null } }).session.session?.engine;

/** Whether the pipeline of the element's running session runs in the socket worker, once it has started. */
export async function elementPipelineInWorker(el: GeminiLiveElement): Promise<boolean> {
  const { pipeline } = (el as unknown as { session: { session: { pipeline: { started: Promise<unknown>; inWorker: boolean } } } }).session.session;
  await pipeline.started;
  return pipeline.inWorker;
}

export function pointAtSimulator(el: GeminiLiveElement): void {
  el.tokenEndpoint = '/api/token';
  el.apiBaseUrl = simulatorUrl;
  el.model = SIM_MODEL;
}

/** Renders `template` and points it at the simulator, with the microphone unprocessed. */
export async function liveElement(template: TemplateResult = html`<gemini-live></gemini-live>`): Promise<GeminiLiveElement> {
  const el = await fixture<GeminiLiveElement>(template);
  pointAtSimulator(el);
  el.noAudioProcessing = true;
  await el.updateComplete;
  return el;
}

/** Holds `key` down (a real key event from the browser's automation, with its default actions). */
export const keyDown = (key: string) => executeServerCommand('key', { down: key });

/** Lets `key` go again. */
export const keyUp = (key: string) => executeServerCommand('key', { up: key });
