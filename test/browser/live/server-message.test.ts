import { expect } from '@open-wc/testing';
import { parseDuration, readServerMessage } from '../../../src/live/server-message.js';

describe('readServerMessage', () => {
  it('reads every part of a model turn but its audio (the pipeline takes that), skipping thoughts', () => {
    const event = readServerMessage({
      serverContent: {
        modelTurn: {
          parts: [
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } },
            { text: 'hello' },
            { text: 'thinking…', thought: true },
            { inlineData: { mimeType: 'image/png', data: 'xx' } },
          ],
        },
        outputTranscription: { text: 'Hel' },
        inputTranscription: { text: 'Hi' },
        generationComplete: true,
        turnComplete: true,
      },
      usageMetadata: { totalTokenCount: 8 },
    });
    expect(event).not.to.have.property('audio');
    expect(event.text).to.deep.equal(['hello']);
    expect(event.outputTranscription).to.equal('Hel');
    expect(event.inputTranscription).to.equal('Hi');
    expect(event.turnComplete).to.be.true;
    expect(event.usage).to.deep.equal({ totalTokenCount: 8 });
    expect(event.interrupted).to.be.false;
  });

  it('reads tool calls, cancellations, goAway and resumption updates', () => {
    const event = readServerMessage({
      toolCall: { functionCalls: [{ id: 'fc-1', name: 'f', args: { a: 1 } }, { id: 'x' }, 'junk'] },
      toolCallCancellation: { ids: ['fc-0', 7] },
      goAway: { timeLeft: '50s' },
      sessionResumptionUpdate: { newHandle: 'h-2', resumable: true },
    });
    expect(event.toolCalls).to.deep.equal([{ id: 'fc-1', name: 'f', args: { a: 1 } }]);
    expect(event.toolCancellations).to.deep.equal(['fc-0']);
    expect(event.goAway).to.deep.equal({ timeLeftMs: 50_000 });
    expect(event.resumption).to.deep.equal({ handle: 'h-2', resumable: true });
  });

  it('never throws on wrong types and reads nothing from them', () => {
    const junk: unknown[] = [
      null,
      42,
      'text',
      [],
      { serverContent: 'x' },
      { serverContent: { modelTurn: { parts: 'nope' } } },
      { serverContent: { modelTurn: { parts: [null, 3, { inlineData: 'x' }, { text: 5 }] } } },
      { serverContent: { interrupted: 'yes', turnComplete: 1 } },
      { toolCall: { functionCalls: {} } },
      { goAway: 'soon' },
      { sessionResumptionUpdate: { newHandle: 5 } },
      { usageMetadata: [] },
    ];
    // What a message that says nothing reads as: every list empty, every flag false, nothing else set.
    const nothing = {
      text: [],
      inputFinished: false,
      outputFinished: false,
      interrupted: false,
      turnComplete: false,
      toolCalls: [],
      toolCancellations: [],
    };
    for (const message of junk) {
      const event = readServerMessage(message);
      // Fields present but undefined count as absent.
      const defined = Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
      expect(defined, JSON.stringify(message)).to.deep.equal(nothing);
    }
  });

  it('parses durations', () => {
    expect(parseDuration('0.5s')).to.equal(500);
    expect(parseDuration('1.250s')).to.equal(1250);
    expect(parseDuration('soon')).to.be.undefined;
  });
});
