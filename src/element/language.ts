/**
 * The language of the element's UI: its own `lang`, then the conversation's `language`, then the nearest `lang`
 * around it, then the document's; undefined when none is set.
 */
export function uiLanguage(element: Element, language: string | undefined): string | undefined {
  return (
    element.getAttribute('lang') ||
    language ||
    element.closest('[lang]')?.getAttribute('lang') ||
    element.ownerDocument.documentElement.lang ||
    undefined
  );
}
