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

  it('marks an interrupted model turn, then trims it to what was heard', () => {
    const model = new TranscriptModel();
    const changes: string[] = [];
    model.subscribe((turn) => changes.push(turn.text));
    model.append('model', 'one two three four five six seven eight nine ten ');
    const id = model.interrupt();
    const [interrupted] = model.snapshot;
    expect(id).to.equal(interrupted.id);
    expect(interrupted.interrupted).to.be.true;
    expect(interrupted.final).to.be.true;
    // Whole until the heard share is known.
    expect(interrupted.text).to.equal('one two three four five six seven eight nine ten');
    // Later pieces of the model side open a new turn instead of growing the interrupted one.
    model.append('model', 'next');
    model.trim(id!, 0.5);
    const [trimmed, next] = model.snapshot;
    expect(trimmed.id).to.equal(id);
    expect(trimmed.interrupted).to.be.true;
    expect(trimmed.text).to.equal('one two three four five…');
    expect(changes.at(-1)).to.equal('one two three four five…');
    expect(next.text).to.equal('next');
    // Nothing to cut at 1 or more, and an unknown id or a fraction that is not a number changes nothing.
    model.trim(id!, 1);
    model.trim('turn-unknown', 0.2);
    model.trim(id!, Number.NaN);
    expect(model.snapshot[0].text).to.equal('one two three four five…');
    expect(changes.length).to.equal(4);
  });

  it('interrupts nothing when no model turn is open', () => {
    const model = new TranscriptModel();
    expect(model.interrupt()).to.be.undefined;
    model.append('model', 'done');
    model.finish('model');
    expect(model.interrupt()).to.be.undefined;
    expect(model.snapshot[0].interrupted).to.be.undefined;
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
