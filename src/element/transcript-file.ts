/** The transcript as a text file: what `transcriptText()` returns and the `download` control saves. */
import type { Turn } from '../live/types.js';
import type { GeminiLiveStrings } from './strings.js';

/** `2026-12-03 14:03:07`, in the visitor's time zone. */
function localTime(at: number): string {
  return new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * One line per turn with text, oldest first: `[2026-12-03 14:03:07] You: Hello`. A model turn the visitor cut off
 * holds what was heard, and is marked with the `interrupted` string. Labels are the UI language's.
 */
export function transcriptText(turns: readonly Turn[], strings: Pick<GeminiLiveStrings, 'user' | 'model' | 'interrupted'>): string {
  return turns
    .filter((turn) => turn.text.trim())
    .map((turn) => {
      const who = turn.role === 'user' ? strings.user : strings.model;
      return `[${localTime(turn.at)}] ${who}: ${turn.text.trim()}${turn.interrupted ? ` ${strings.interrupted}` : ''}\n`;
    })
    .join('');
}

/**
 * Saves `text` as `transcript-2026-12-03-1403.txt` (named after the first turn) through a link the shadow root
 * holds for a moment; the object URL is released once the browser has taken the file.
 */
export function saveTranscript(text: string, firstAt: number, root: ShadowRoot): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `transcript-${localTime(firstAt).slice(0, 16).replace(' ', '-').replace(':', '')}.txt`;
  link.hidden = true;
  root.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
