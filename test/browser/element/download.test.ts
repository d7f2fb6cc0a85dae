import { expect } from '@open-wc/testing';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement, Turn } from '../../../src/gemini-live.js';
import { transcriptText } from '../../../src/element/transcript-file.js';
import { en } from '../../../src/element/strings.js';
import de from '../../../src/element/locales/de.js';
import { resetSimulator, waitFor } from '../../support/simulator.js';
import { liveElement, part } from '../../support/element.js';

const at = (hours: number, minutes: number, seconds: number) => new Date(2026, 11, 3, hours, minutes, seconds).getTime();

describe('the transcript as text', () => {
  it('is a line per turn with its local time and speaker, marks the interrupted answer, and skips empty turns', () => {
    const turns: Turn[] = [
      { id: 'a', role: 'user', at: at(14, 3, 7), text: ' Hello there ', final: true },
      { id: 'b', role: 'model', at: at(14, 3, 9), text: 'Hi! How can I', final: true, interrupted: true },
      { id: 'c', role: 'user', at: at(14, 3, 11), text: '', final: true },
      { id: 'd', role: 'model', at: at(9, 0, 0), text: 'Sure.', final: false },
    ];
    expect(transcriptText(turns, en)).to.equal(
      '[2026-12-03 14:03:07] You: Hello there\n' +
        '[2026-12-03 14:03:09] Assistant: Hi! How can I (interrupted)\n' +
        '[2026-12-03 09:00:00] Assistant: Sure.\n',
    );
    expect(transcriptText(turns.slice(0, 2), de)).to.equal(
      '[2026-12-03 14:03:07] Sie: Hello there\n[2026-12-03 14:03:09] Assistent: Hi! How can I (unterbrochen)\n',
    );
    expect(transcriptText([], en)).to.equal('');
  });
});

describe('<gemini-live> download', () => {
  let el: GeminiLiveElement | undefined;
  const click = HTMLAnchorElement.prototype.click;

  beforeEach(() => resetSimulator({ speed: 4 }));
  afterEach(async () => {
    HTMLAnchorElement.prototype.click = click;
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  it('appears once there are turns, saves the transcript as a text file, and passes axe', async () => {
    el = await liveElement();
    expect(part(el, 'download')).to.equal(null);
    expect(el.transcriptText()).to.equal('');
    await el.start();
    el.sendText('Hello there');
    await waitFor(() => el!.transcript.some((turn) => turn.role === 'model' && turn.final), { message: 'an answer' });
    await el.updateComplete;
    const button = part(el, 'download')!;
    expect(button.getAttribute('aria-label')).to.equal('Download transcript');
    await expect(el).to.be.accessible();

    const text = el.transcriptText();
    expect(text).to.match(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] You: Hello there\n\[[^\]]+\] Assistant: .*hello there/i);
    const saved: Array<{ name: string; href: string; inShadowRoot: boolean }> = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, href: this.href, inShadowRoot: this.getRootNode() === el!.shadowRoot });
    };
    button.click();
    expect(saved).to.have.length(1);
    const first = new Date(el.transcript[0].at);
    const pad = (value: number) => String(value).padStart(2, '0');
    expect(saved[0].name).to.equal(
      `transcript-${first.getFullYear()}-${pad(first.getMonth() + 1)}-${pad(first.getDate())}-${pad(first.getHours())}${pad(first.getMinutes())}.txt`,
    );
    expect(saved[0].inShadowRoot).to.equal(true);
    expect(saved[0].href).to.match(/^blob:/);
    const file = await fetch(saved[0].href);
    expect(file.headers.get('content-type')).to.equal('text/plain;charset=utf-8');
    expect(await file.text()).to.equal(text);
    // The link is gone again, and the file's URL is released soon after.
    expect(el.shadowRoot!.querySelector('a[download]')).to.equal(null);
    await waitFor(async () => fetch(saved[0].href).then(() => false, () => true), { message: 'the URL released', timeout: 5000 });
  });
});
