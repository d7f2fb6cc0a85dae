/**
 * With `resume`, the transcript lives on in `sessionStorage`, in the resumption handle's record: a reloaded page
 * shows it again before the visitor starts, and the conversation continues below it. Turns are kept as they end
 * and when the page goes away (a reload), only while a conversation runs: one ended on purpose clears the record
 * with its handle. The storage code loads on its own, and only for elements with `resume`.
 */
import type { ResumptionStore } from '../live/resumption-store.js';
import type { TranscriptModel } from '../live/transcript.js';
import { cachedImport } from '../shared/cached-import.js';

const loadStore = cachedImport(() => import('../live/resumption-store.js'));

export class KeptTranscript {
  private store?: ResumptionStore;
  private key?: string;

  constructor(
    private readonly transcript: TranscriptModel,
    private readonly running: () => boolean,
  ) {}

  /**
   * Opens the record under `key` (again only when the key changed: a model set after the first render) and, when
   * nothing has been said yet, shows its turns.
   */
  open(key: string): void {
    if (key === this.key) return;
    this.key = key;
    loadStore().then(
      ({ ResumptionStore }) => {
        if (key !== this.key) return;
        this.store = new ResumptionStore(key);
        this.transcript.restore(this.store.loadTurns());
      },
      () => undefined,
    );
  }

  /** Keeps the turns as they stand, while a conversation runs. */
  save = (): void => {
    if (this.running()) this.store?.saveTurns(this.transcript.snapshot);
  };
}
