// The same site written with React (the Vite build): `GeminiLive` from `gemini-live/react`, whose browser entry
// registers the element. Props become the element's properties; plain `createElement`, so no JSX plugin is needed.
/* global document, location */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GeminiLive } from 'gemini-live/react';

const container = document.createElement('div');
document.body.append(container);
// `onState` and `tools` reach the element only through the browser entry: the test reads what they left.
const tools = [{ name: 'get_colour', description: 'Reads the page colour', handler: () => 'teal' }];
createRoot(container).render(
  createElement(GeminiLive, {
    tokenEndpoint: '/api/token',
    apiBaseUrl: location.origin,
    textInput: true,
    video: 'camera',
    tools,
    onState: (event) => (document.body.dataset.reactStates = `${document.body.dataset.reactStates ?? ''} ${event.detail.state}`.trim()),
  }),
);
