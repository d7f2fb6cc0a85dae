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

  it('trimToFraction keeps nothing at 0 and everything at 1', () => {
    expect(trimToFraction('hello world', 0)).to.equal('');
    expect(trimToFraction('hello world', 1)).to.equal('hello world');
  });
});
