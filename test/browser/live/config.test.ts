import { expect } from '@open-wc/testing';
import { buildLiveConfig, deepMerge } from '../../../src/live/config.js';
import { liveOptions } from '../../fixtures/live-options.js';

const base = liveOptions();

describe('buildLiveConfig', () => {
  it('asks for audio, resumption and sliding-window compression by default', () => {
    const config = buildLiveConfig(base) as Record<string, unknown>;
    expect(config.responseModalities).to.deep.equal(['AUDIO']);
    expect(config.sessionResumption).to.deep.equal({});
    expect(config.contextWindowCompression).to.deep.equal({ slidingWindow: {} });
    expect(config.inputAudioTranscription).to.deep.equal({});
    expect(config.outputAudioTranscription).to.deep.equal({});
    expect(config).to.not.have.property('realtimeInputConfig');
    expect(config).to.not.have.property('tools');
  });

  it('maps every attribute to its setup field', () => {
    const config = buildLiveConfig({
      ...base,
      voice: 'Kore',
      language: 'de-DE',
      systemInstruction: 'Be brief.',
      responseModality: 'text',
      transcription: 'input',
      mode: 'push-to-talk',
      googleSearch: true,
      tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, handler: () => 1 }],
    }) as Record<string, any>;
    expect(config.responseModalities).to.deep.equal(['TEXT']);
    expect(config.speechConfig).to.deep.equal({ voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'de-DE' });
    expect(config.systemInstruction).to.deep.equal({ parts: [{ text: 'Be brief.' }], role: 'user' });
    expect(config.inputAudioTranscription).to.deep.equal({});
    expect(config).to.not.have.property('outputAudioTranscription');
    expect(config.realtimeInputConfig).to.deep.equal({ automaticActivityDetection: { disabled: true } });
    expect(config.tools).to.deep.equal([
      { functionDeclarations: [{ name: 'get_weather', description: 'Weather' }] },
      { googleSearch: {} },
    ]);
  });

  it('requests no transcription with transcription="none" and output only with "output"', () => {
    const none = buildLiveConfig({ ...base, transcription: 'none' }) as Record<string, unknown>;
    expect(none).to.not.have.property('inputAudioTranscription');
    expect(none).to.not.have.property('outputAudioTranscription');
    const output = buildLiveConfig({ ...base, transcription: 'output' }) as Record<string, unknown>;
    expect(output).to.not.have.property('inputAudioTranscription');
    expect(output.outputAudioTranscription).to.deep.equal({});
  });

  it('merges the config escape hatch last, deeply, but keeps the newest resumption handle', () => {
    const config = buildLiveConfig(
      {
        ...base,
        voice: 'Kore',
        config: {
          temperature: 0.3,
          speechConfig: { languageCode: 'fr-FR' },
          contextWindowCompression: { triggerTokens: '1000', slidingWindow: { targetTokens: '500' } },
          sessionResumption: { handle: 'stale', transparent: true },
        },
      },
      'h-9',
    ) as Record<string, any>;
    expect(config.temperature).to.equal(0.3);
    expect(config.speechConfig).to.deep.equal({ voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'fr-FR' });
    expect(config.contextWindowCompression).to.deep.equal({ triggerTokens: '1000', slidingWindow: { targetTokens: '500' } });
    expect(config.sessionResumption).to.deep.equal({ handle: 'h-9', transparent: true });
  });

  it('deepMerge replaces arrays and skips undefined', () => {
    expect(deepMerge({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: undefined, e: 5 } })).to.deep.equal({
      a: [3],
      b: { c: 1, d: 2, e: 5 },
    });
  });
});
