import { expect } from '@open-wc/testing';
import { GoogleGenAI, type LiveConnectConfig } from '@google/genai';
import { createLive } from '../../../src/live/sdk-live.js';

interface Captured {
  url: string;
  sent: string[];
}

/** A WebSocket factory that records the URL and the frames the SDK sends, then fails the connection. */
function capturingFactory(captured: Captured) {
  return {
    create(url: string, _headers: unknown, callbacks: { onopen: () => void; onclose: (event: unknown) => void }) {
      captured.url = url;
      return {
        connect() {
          setTimeout(() => {
            callbacks.onopen();
            setTimeout(() => callbacks.onclose({ code: 1000, reason: 'test over' }), 10);
          }, 0);
        },
        send(message: string) {
          captured.sent.push(message);
        },
        close() {},
      };
    },
  };
}

const config: LiveConnectConfig = {
  responseModalities: ['AUDIO' as never],
  speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'en-US' },
  systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
  tools: [{ functionDeclarations: [{ name: 'f', description: 'd', parametersJsonSchema: { type: 'object' } }] }, { googleSearch: {} }],
  inputAudioTranscription: {},
  outputAudioTranscription: {},
  realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
  sessionResumption: { handle: 'h-1' },
  contextWindowCompression: { slidingWindow: {} },
};

async function viaGoogleGenAI(apiKey: string, httpOptions: Record<string, string>): Promise<Captured> {
  const captured: Captured = { url: '', sent: [] };
  const ai = new GoogleGenAI({ apiKey, httpOptions });
  (ai.live as unknown as { webSocketFactory: unknown }).webSocketFactory = capturingFactory(captured);
  await ai.live.connect({ model: 'gemini-x', config: structuredClone(config), callbacks: { onmessage: () => undefined } }).catch(() => undefined);
  return captured;
}

async function viaCreateLive(apiKey: string, httpOptions: Record<string, string>): Promise<Captured> {
  const captured: Captured = { url: '', sent: [] };
  const live = createLive({ apiKey, baseUrl: httpOptions.baseUrl, apiVersion: httpOptions.apiVersion }, capturingFactory(captured));
  await live.connect({ model: 'gemini-x', config: structuredClone(config), callbacks: { onmessage: () => undefined } }).catch(() => undefined);
  return captured;
}

describe('createLive', () => {
  const warn = console.warn;
  let warnings: string[] = [];
  beforeEach(() => {
    warnings = [];
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  });
  afterEach(() => {
    console.warn = warn;
  });

  const cases: Array<[string, string, Record<string, string>]> = [
    ['an API key against Google', 'dev-key', {}],
    ['an ephemeral token on v1alpha', 'auth_tokens/abc', { apiVersion: 'v1alpha' }],
    ['a token through a custom base URL', 'auth_tokens/abc', { baseUrl: 'http://127.0.0.1:9999', apiVersion: 'v1alpha' }],
    ['a key through a base URL with a path', 'k', { baseUrl: 'https://proxy.example/gemini/' }],
  ];
  for (const [name, key, httpOptions] of cases) {
    it(`builds the same URL and setup as GoogleGenAI for ${name}`, async () => {
      const expected = await viaGoogleGenAI(key, httpOptions);
      const actual = await viaCreateLive(key, httpOptions);
      expect(expected.url).to.not.equal('');
      expect(actual.url).to.equal(expected.url);
      expect(actual.sent.map((m) => JSON.parse(m))).to.deep.equal(expected.sent.map((m) => JSON.parse(m)));
      expect(JSON.parse(actual.sent[0]).setup.model).to.equal('models/gemini-x');
    });
  }

  it('opens a token connection without writing to the console, where GoogleGenAI warns', async () => {
    const httpOptions = { baseUrl: 'http://127.0.0.1:9999', apiVersion: 'v1alpha' };
    const expected = await viaGoogleGenAI('auth_tokens/abc', httpOptions);
    expect(warnings.join('\n')).to.contain('Ephemeral token support is experimental');
    warnings = [];
    const actual = await viaCreateLive('auth_tokens/abc', httpOptions);
    expect(actual.url).to.equal(expected.url);
    expect(actual.url).to.contain('BidiGenerateContentConstrained?access_token=auth_tokens/abc');
    expect(warnings).to.deep.equal([]);
  });

  it('warns, as the page\'s own mistake, about a token on an API version other than v1alpha', async () => {
    await viaCreateLive('auth_tokens/abc', { apiVersion: 'v1beta' });
    expect(warnings.length).to.equal(1);
    expect(warnings[0]).to.contain('v1alpha');
    warnings = [];
    await viaCreateLive('dev-key', { apiVersion: 'v1beta' });
    expect(warnings).to.deep.equal([]);
  });
});
