import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { languageDirection, primaryLanguage, uiLanguage } from './language.js';
import { builtInStrings, en, loadStrings, withOverrides, type GeminiLiveStrings, type GeminiLiveStringsOverride } from './strings.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * The element's UI language: which strings it shows, and the `lang` and `dir` its panel declares. A language's
 * table loads the first time it is needed (English shows until then); the `lang` attributes around it are
 * watched, so a page that switches language switches the element too.
 */
export class UiLanguageController implements ReactiveController {
  private observer: MutationObserver | null = null;

  constructor(
    private readonly host: Host,
    private readonly language: () => string | undefined,
    private readonly overrides: () => GeminiLiveStringsOverride | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof MutationObserver !== 'function') return;
    this.observer = new MutationObserver(() => this.host.requestUpdate());
    // A `lang` set or changed anywhere around the element (its own, an ancestor's, the page's; in the shadow root
    // it sits in, too) may change the UI language.
    const options = { attributes: true, attributeFilter: ['lang'], subtree: true };
    this.observer.observe(this.host.ownerDocument.documentElement, options);
    const root = this.host.getRootNode();
    if (root instanceof ShadowRoot) this.observer.observe(root, options);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
  }

  /** The strings to show now, with the page's overrides. */
  get strings(): GeminiLiveStrings {
    const tag = uiLanguage(this.host, this.language());
    let table = builtInStrings(tag);
    if (!table) {
      void loadStrings(tag).then(() => this.host.requestUpdate());
      table = en;
    }
    return withOverrides(table, this.overrides());
  }

  /**
   * The language the panel is written in: the UI language where there is a table for it (or the page gave its
   * own strings), English otherwise.
   */
  get lang(): string {
    const tag = uiLanguage(this.host, this.language());
    const table = builtInStrings(tag);
    if (tag && (this.overrides() || (table && table !== en) || primaryLanguage(tag) === 'en')) return tag;
    return 'en';
  }

  get dir(): 'ltr' | 'rtl' {
    return languageDirection(this.lang);
  }
}
