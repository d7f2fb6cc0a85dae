// A site's own module: it imports the package by name, as any site built with a bundler would, and places the
// element. The token endpoint and the Live API (here the simulator) are on the site's own origin.
/* global document, location */
import 'gemini-live';

const assistant = document.createElement('gemini-live');
assistant.setAttribute('token-endpoint', '/api/token');
assistant.setAttribute('api-base-url', location.origin);
assistant.setAttribute('text-input', '');
assistant.setAttribute('video', 'camera');
document.body.append(assistant);
