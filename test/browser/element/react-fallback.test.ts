// gemini-live/react's DOM-free entry, loaded by a browser anyway (a bundler that ignores the `browser` export
// condition): it loads the element, and every prop, object and listener still reaches it.
import { expect } from '@open-wc/testing';
import * as React from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { GeminiLive } from '../../../src/react/server.js';
import type { GeminiLiveElement, GeminiLiveStateEvent } from '../../../src/gemini-live.js';
import { resetSimulator, simulatorUrl, waitFor } from '../../support/simulator.js';
import { SIM_MODEL } from '../../support/session.js';

describe('gemini-live/react, its server entry in a browser', () => {
  it('registers the element, and sets properties, objects and listeners on it', async () => {
    await resetSimulator({ speed: 4 });
    const host = document.createElement('div');
    document.body.append(host);
    const root = createRoot(host);
    let element: GeminiLiveElement | null = null;
    const tools = [{ name: 'get_colour', description: 'Reads the page colour', handler: () => 'teal' }];
    const states: GeminiLiveStateEvent[] = [];
    try {
      flushSync(() =>
        root.render(
          React.createElement(GeminiLive, {
            ref: (node: GeminiLiveElement | null) => void (element = node),
            tokenEndpoint: '/api/token',
            apiBaseUrl: simulatorUrl,
            model: SIM_MODEL,
            noAudioProcessing: true,
            responseModality: 'text',
            tools,
            onState: (event) => states.push(event),
          }),
        ),
      );
      await customElements.whenDefined('gemini-live');
      const el = element!;
      await waitFor(() => typeof el.start === 'function', { message: 'the upgraded element' });
      expect(el.tools).to.equal(tools);
      expect(el.responseModality).to.equal('text');
      expect(el.getAttribute('response-modality')).to.equal(null);
      await el.start();
      expect(states.map((event) => event.detail.state)).to.deep.equal(['connecting', 'listening']);
      await el.stop();
    } finally {
      root.unmount();
      host.remove();
    }
  });
});
