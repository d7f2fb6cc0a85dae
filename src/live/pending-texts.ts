/** Typed text as it is sent: trimmed; `undefined` when nothing is left. */
export function typedText(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed || undefined;
}

/** Typed text waiting for a connection, sent in order once one is up. */
export class PendingTexts {
  private texts: string[] = [];

  /** Queues `text` (see {@link typedText}); blank text is ignored. */
  push(text: string): void {
    const typed = typedText(text);
    if (typed) this.texts.push(typed);
  }

  /** Takes everything, oldest first. */
  take(): string[] {
    return this.texts.splice(0);
  }

  clear(): void {
    this.texts = [];
  }
}
