import { DEFAULT_MODEL } from '../shared/default-model.js';

/** Which element on which page: what keeps two elements' stored conversations apart. */
export interface SessionPlace {
  /** The page's `location.pathname`. */
  path: string;
  /** The element's id, or its position among the `<gemini-live>` elements of its root. */
  element: string;
}

/** One stored conversation per element: keyed by the page, the model and the element. */
export function resumeKey(model: string | undefined, place: SessionPlace): string {
  return `gemini-live:resume:${place.path}:${model || DEFAULT_MODEL}:${place.element}`;
}
