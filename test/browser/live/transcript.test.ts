import { expect } from '@open-wc/testing';
import { TranscriptModel, trimToFraction } from '../../../src/live/transcript.js';

describe('TranscriptModel', () => {
  it('appends pieces to the open turn of each side and finishes turns', () => {
    const model = new TranscriptModel();
    const changes: string[] = [];
    model.subscribe((turn) => changes.push(`${turn.role}:${turn.text}:${turn.final}`));
    model.append('user', 'Hel');
    model.append('user', 'lo ');
    model.append('model', 'Hi');
    model.append('model', ' there');
    model.finish('user');
    model.finish('model');
    model.append('user', 'Again');
    expect(model.snapshot.map((t) => [t.role, t.text, t.final])).to.deep.equal([
      ['user', 'Hello', true],
      ['model', 'Hi there', true],
      ['user', 'Again', false],
    ]);
    expect(changes).to.include('user:Hello:true');
    expect(new Set(model.snapshot.map((t) => t.id)).size).to.equal(3);
  });

  it('returns frozen snapshots that later changes do not alter', () => {
    const model = new TranscriptModel();
    model.append('model', 'a');
    const before = model.snapshot;
    model.append('model', 'b');
    expect(before[0].text).to.equal('a');
    expect(Object.isFrozen(before[0])).to.be.true;
    expect(model.snapshot[0].text).to.equal('ab');
  });

  it('marks an interrupted model turn and trims it to what was heard', () => {
    const model = new TranscriptModel();
    model.append('model', 'one two three four five six seven eight nine ten');
    model.interrupt(0.5);
    const [turn] = model.snapshot;
    expect(turn.interrupted).to.be.true;
    expect(turn.final).to.be.true;
    expect(turn.text.endsWith('…')).to.be.true;
    expect(turn.text.length).to.be.lessThan(30);
    expect(turn.text.startsWith('one two')).to.be.true;
  });

  it('adds typed turns whole', () => {
    const model = new TranscriptModel();
    model.append('user', 'spoken');
    model.add('user', 'typed');
    expect(model.snapshot.map((t) => [t.text, t.final])).to.deep.equal([
      ['spoken', true],
      ['typed', true],
    ]);
  });

  it('puts the user\'s words before an answer that began first, joined exactly as sent', () => {
    const model = new TranscriptModel();
    model.add('user', 'typed earlier');
    model.add('model', 'earlier answer');
    model.append('model', 'Sure');
    model.append('user', 'Ca');
    model.append('model', ', here');
    model.append('user', 'n I');
    model.append('user', ' go?');
    model.finish('user');
    model.finish('model');
    expect(model.snapshot.map((t) => [t.role, t.text, t.final])).to.deep.equal([
      ['user', 'typed earlier', true],
      ['model', 'earlier answer', true],
      ['user', 'Can I go?', true],
      ['model', 'Sure, here', true],
    ]);
    // The frozen copies follow the insertion.
    model.append('model', 'Next');
    expect(model.snapshot[4].text).to.equal('Next');
  });

  it('shows an interim caption until final pieces replace it', () => {
    const model = new TranscriptModel();
    model.interim('user', 'Wha');
    model.interim('user', 'What ti');
    expect(model.snapshot[0].text).to.equal('What ti');
    model.append('user', 'What');
    model.interim('user', ' time');
    expect(model.snapshot[0].text).to.equal('What time');
    model.append('user', ' time is it');
    expect(model.snapshot[0].text).to.equal('What time is it');
    model.interim('user', '?');
    model.finish('user');
    expect(model.snapshot[0]).to.include({ text: 'What time is it?', final: true });
  });

  it('notes why the service ended a turn, and interrupts a finished caption by id', () => {
    const model = new TranscriptModel();
    const id = model.append('model', 'I cannot')!;
    model.finish('model');
    model.markEnded(id, 'PROHIBITED_INPUT_CONTENT');
    expect(model.snapshot[0].endReason).to.equal('PROHIBITED_INPUT_CONTENT');
    expect(model.interrupt()).to.equal(undefined);
    expect(model.interrupt(undefined, id)).to.equal(id);
    expect(model.snapshot[0].interrupted).to.be.true;
  });

  it('trimToFraction keeps nothing at 0 and everything at 1', () => {
    expect(trimToFraction('hello world', 0)).to.equal('');
    expect(trimToFraction('hello world', 1)).to.equal('hello world');
  });
});
