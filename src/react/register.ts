/**
 * Registers `<gemini-live>`: what the server entry loads when it finds itself in a browser. It names the class, so
 * that the build keeps the import (the package declares only dist/'s entry as having side effects).
 */
import { GeminiLiveElement } from '../gemini-live.js';

export const registered = GeminiLiveElement;
