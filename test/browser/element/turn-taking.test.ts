// The turn-taking attributes reach the setup the simulator records, as the service would receive it.
import { expect, html } from '@open-wc/testing';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { connections, resetSimulator } from '../../support/simulator.js';
import { liveElement } from '../../support/element.js';

describe('<gemini-live> turn-taking attributes', () => {
  let el: GeminiLiveElement | undefined;

  beforeEach(() => resetSimulator({ speed: 4 }));

  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  async function recordedSetup(): Promise<Record<string, any>> {
    await el!.start();
    const [record] = await connections();
    expect(record.close, 'the simulator took the setup').to.equal(null);
    return record.setup!;
  }

  it('sends start-sensitivity, end-sensitivity, silence-ms and prefix-padding-ms as automaticActivityDetection', async () => {
    el = await liveElement(html`<gemini-live
      start-sensitivity="low"
      end-sensitivity="high"
      silence-ms="700"
      prefix-padding-ms="60"
    ></gemini-live>`);
    expect([el.startSensitivity, el.endSensitivity, el.silenceMs, el.prefixPaddingMs]).to.deep.equal(['low', 'high', 700, 60]);
    const setup = await recordedSetup();
    expect(setup.realtimeInputConfig).to.deep.equal({
      automaticActivityDetection: {
        startOfSpeechSensitivity: 'START_SENSITIVITY_LOW',
        endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH',
        prefixPaddingMs: 60,
        silenceDurationMs: 700,
      },
    });
  });

  it('takes the camelCase properties, and config merged over them', async () => {
    el = await liveElement();
    el.endSensitivity = 'low';
    el.silenceMs = 1200.4;
    el.config = { realtimeInputConfig: { automaticActivityDetection: { prefixPaddingMs: 30 } } };
    const setup = await recordedSetup();
    expect(setup.realtimeInputConfig).to.deep.equal({
      automaticActivityDetection: { endOfSpeechSensitivity: 'END_SENSITIVITY_LOW', silenceDurationMs: 1200, prefixPaddingMs: 30 },
    });
  });

  it('sends nothing for values it cannot use, and the service default stays', async () => {
    el = await liveElement(html`<gemini-live
      start-sensitivity="medium"
      end-sensitivity="HIGH"
      silence-ms="soon"
      prefix-padding-ms="-20"
    ></gemini-live>`);
    const setup = await recordedSetup();
    expect(setup).to.not.have.property('realtimeInputConfig');
  });

  it('with push-to-talk, automatic detection is off and none of them is sent', async () => {
    el = await liveElement(html`<gemini-live
      mode="push-to-talk"
      start-sensitivity="low"
      end-sensitivity="low"
      silence-ms="700"
      prefix-padding-ms="60"
    ></gemini-live>`);
    const setup = await recordedSetup();
    expect(setup.realtimeInputConfig).to.deep.equal({ automaticActivityDetection: { disabled: true } });
  });
});
