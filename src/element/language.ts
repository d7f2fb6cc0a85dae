/**
 * The language of the element's UI: its own `lang` (a UI language other than the conversation's), then the
 * conversation's `language`, then the nearest `lang` around it (across shadow roots), then the browser's.
 */
export function uiLanguage(element: Element, language: string | undefined): string | undefined {
  return element.getAttribute('lang') || language || nearestLang(element) || globalThis.navigator?.language || undefined;
}

function nearestLang(element: Element): string | undefined {
  for (let node: Element | undefined = element; node; ) {
    const found = node.closest('[lang]:not([lang=""])');
    if (found) return found.getAttribute('lang')!;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : undefined;
  }
  return undefined;
}

// Scripts written right to left, by primary language subtag.
const RIGHT_TO_LEFT = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

/** The primary subtag of a BCP-47 tag, lower case: `pt-BR` → `pt`. */
export function primaryLanguage(tag: string | undefined): string {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return MACRO_LANGUAGE[primary] ?? primary;
}

// Individual language subtags written the way their macrolanguage is (Mandarin is Chinese, Iranian Persian is Persian).
const MACRO_LANGUAGE: Readonly<Record<string, string>> = { cmn: 'zh', pes: 'fa', arb: 'ar', zsm: 'ms' };

/** The direction a UI in this language is laid out in. */
export function languageDirection(tag: string | undefined): 'ltr' | 'rtl' {
  const script = (tag ?? '').toLowerCase().split(/[-_]/).find((sub) => sub.length === 4);
  if (script === 'arab' || script === 'hebr' || script === 'thaa' || script === 'syrc') return 'rtl';
  if (script) return 'ltr';
  return RIGHT_TO_LEFT.has(primaryLanguage(tag)) ? 'rtl' : 'ltr';
}
