import { expect } from '@open-wc/testing';
import { ToolDispatcher, type FunctionResponse } from '../../../src/live/tool-dispatcher.js';
import type { LiveTool } from '../../../src/live/types.js';
import type { GeminiLiveToolCallDetail } from '../../../src/events/tool-call-event.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ToolDispatcher', () => {
  it('sends a handler result, an async result and a thrown error with the call id and name', async () => {
    const sent: FunctionResponse[] = [];
    const tools: LiveTool[] = [
      { name: 'sync', handler: (args) => ({ echo: args.x }) },
      { name: 'async', handler: async () => 'later' },
      { name: 'bad', handler: () => { throw new Error('boom'); } },
      { name: 'void', handler: () => undefined },
    ];
    const dispatcher = new ToolDispatcher(() => tools, (r) => sent.push(r), () => false);
    dispatcher.dispatch({ id: '1', name: 'sync', args: { x: 7 } });
    dispatcher.dispatch({ id: '2', name: 'async', args: {} });
    dispatcher.dispatch({ id: '3', name: 'bad', args: {} });
    dispatcher.dispatch({ id: '4', name: 'void', args: {} });
    await tick();
    expect(sent).to.deep.include({ id: '1', name: 'sync', response: { result: { echo: 7 } } });
    expect(sent).to.deep.include({ id: '2', name: 'async', response: { result: 'later' } });
    expect(sent).to.deep.include({ id: '3', name: 'bad', response: { error: 'boom' } });
    expect(sent).to.deep.include({ id: '4', name: 'void', response: { result: null } });
    expect(dispatcher.size).to.equal(0);
  });

  it('hands unhandled calls to the page, and answers with an error when the page does not take them', async () => {
    const sent: FunctionResponse[] = [];
    let taken: GeminiLiveToolCallDetail | undefined;
    const dispatcher = new ToolDispatcher(
      () => [],
      (r) => sent.push(r),
      (call) => {
        if (call.name === 'page') {
          taken = call;
          return true;
        }
        return false;
      },
    );
    dispatcher.dispatch({ id: 'a', name: 'page', args: { q: 1 } });
    dispatcher.dispatch({ id: 'b', name: 'nobody', args: {} });
    expect(sent).to.deep.equal([{ id: 'b', name: 'nobody', response: { error: 'No handler for function "nobody".' } }]);
    taken!.respond({ ok: true });
    taken!.respond({ ok: false });
    expect(sent[1]).to.deep.equal({ id: 'a', name: 'page', response: { result: { ok: true } } });
    expect(sent).to.have.length(2);
  });

  it('aborts a cancelled handler and drops its late result', async () => {
    const sent: FunctionResponse[] = [];
    let signal: AbortSignal | undefined;
    let finish: (value: string) => void = () => undefined;
    const dispatcher = new ToolDispatcher(
      () => [
        {
          name: 'slow',
          handler: (_args, context) => {
            signal = context.signal;
            return new Promise<string>((resolve) => (finish = resolve));
          },
        },
      ],
      (r) => sent.push(r),
      () => false,
    );
    dispatcher.dispatch({ id: 's', name: 'slow', args: {} });
    dispatcher.cancel(['s']);
    expect(signal!.aborted).to.be.true;
    finish('too late');
    await tick();
    expect(sent).to.deep.equal([]);
  });
});
