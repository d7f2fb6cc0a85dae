/** Registers `<gemini-live>`: what the server entry loads when it finds itself in a browser. */
import '../gemini-live.js';
