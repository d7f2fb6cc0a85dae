import { expect } from '@open-wc/testing';
import * as React from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { GeminiLive } from '../../../src/react/index.js';
import { GeminiLiveElement, GeminiLiveStateEvent, GeminiLiveToolCallEvent, GeminiLiveTranscriptEvent } from '../../../src/gemini-live.js';
import type { GeminiLiveProps } from '../../../src/react/index.js';
import { resetSimulator, simulatorUrl, waitFor } from '../../support/simulator.js';
import { SIM_MODEL } from '../../support/session.js';

describe('gemini-live/react', () => {
  let host: HTMLElement;
  let root: Root;
  let element: GeminiLiveElement | null = null;

  const render = async (props: GeminiLiveProps) => {
    // Committed before this returns, as React's act() would.
    flushSync(() => root.render(React.createElement(GeminiLive, props)));
    expect(element?.isConnected, 'the element').to.equal(true);
    await element!.updateComplete;
    return element!;
  };
  const ref = (node: GeminiLiveElement | null) => {
    element = node;
  };
  const simulator = { tokenEndpoint: '/api/token', apiBaseUrl: simulatorUrl, model: SIM_MODEL, noAudioProcessing: true };

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
  });

  afterEach(async () => {
    await element?.stop();
    root.unmount();
    host.remove();
    element = null;
  });

  it('sets props as properties on a registered element, and gives ref the element', async () => {
    const tools = [{ name: 'get_colour', description: 'Reads the page colour', handler: () => 'teal' }];
    const el = await render({ ...simulator, ref, voice: 'Kore', responseModality: 'text', videoFps: 2, tools, className: 'talk', id: 'assistant' });
    expect(el).to.be.instanceOf(GeminiLiveElement);
    expect(customElements.get('gemini-live')).to.equal(GeminiLiveElement);
    expect(el.voice).to.equal('Kore');
    expect(el.responseModality).to.equal('text');
    expect(el.videoFps).to.equal(2);
    // An object only a property can carry reaches the element as the same object.
    expect(el.tools).to.equal(tools);
    expect(el.className).to.equal('talk');
    expect(el.id).to.equal('assistant');
    await render({ ...simulator, ref, tools });
    expect(el.voice).to.equal(undefined);
    expect(element).to.equal(el);
  });

  it('hands the typed events to the on… props, and to the newest handler after a render', async () => {
    const states: GeminiLiveStateEvent[] = [];
    const transcripts: GeminiLiveTranscriptEvent[] = [];
    const el = await render({
      ...simulator,
      ref,
      responseModality: 'text',
      onState: (event) => states.push(event),
      onTranscript: (event) => transcripts.push(event),
    });
    await el.start();
    expect(states.map((event) => event.detail.state)).to.deep.equal(['connecting', 'listening']);
    expect(states[0]).to.be.instanceOf(GeminiLiveStateEvent);
    el.sendText('Hi there');
    await waitFor(() => transcripts.some((event) => event.detail.turn.role === 'model' && event.detail.turn.final), { message: 'an answer' });
    expect(transcripts[0]).to.be.instanceOf(GeminiLiveTranscriptEvent);

    const later: string[] = [];
    const calls: GeminiLiveToolCallEvent[] = [];
    await render({
      ...simulator,
      ref,
      responseModality: 'text',
      onState: (event) => later.push(event.detail.state),
      onToolCall: (event) => {
        calls.push(event);
        event.preventDefault();
        event.detail.respond({ colour: 'teal' });
      },
      tools: [{ name: 'get_colour', description: 'Reads the page colour', handler: undefined as never }],
    });
    const before = states.length;
    await el.stop();
    expect(later).to.deep.equal(['idle']);
    expect(states).to.have.length(before);
    await el.start();
    el.sendText('call get_colour');
    await waitFor(() => calls.length > 0, { message: 'the tool call' });
    expect(calls[0]).to.be.instanceOf(GeminiLiveToolCallEvent);
    expect(calls[0].detail.name).to.equal('get_colour');
  });

  it('stops listening when a handler prop is removed', async () => {
    const states: string[] = [];
    const el = await render({ ...simulator, ref, onState: (event) => states.push(event.detail.state) });
    await render({ ...simulator, ref });
    await el.start();
    expect(states).to.deep.equal([]);
  });
});
