import { css } from 'lit';
import { visualizerStyles } from './visualizer.js';

const panelStyles = css`
  :host {
    --gemini-live-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --gemini-live-radius: 12px;
    --gemini-live-background: #ffffff;
    --gemini-live-surface: #f1f3f4;
    --gemini-live-foreground: #1f1f1f;
    --gemini-live-muted-foreground: #5f6368;
    --gemini-live-border: #c4c7c5;
    --gemini-live-accent: #0b57d0;
    --gemini-live-accent-foreground: #ffffff;
    --gemini-live-model-meter: #b45309;
    --gemini-live-user-background: #d3e3fd;
    --gemini-live-user-foreground: #041e49;
    --gemini-live-model-background: #f1f3f4;
    --gemini-live-model-foreground: #1f1f1f;
    --gemini-live-danger: #b3261e;
    --gemini-live-danger-foreground: #ffffff;
    --gemini-live-focus-ring: #0b57d0;
    --gemini-live-panel-width: 360px;
    --gemini-live-panel-max-height: 560px;
    --gemini-live-transcript-max-height: 320px;
    --gemini-live-inset-block-end: 24px;
    --gemini-live-inset-inline-end: 24px;
    --gemini-live-launcher-size: 56px;
    --gemini-live-z-index: 2147483000;

    display: block;
    font-family: var(--gemini-live-font);
    color: var(--gemini-live-foreground);
    line-height: 1.4;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --gemini-live-background: #1f1f1f;
      --gemini-live-surface: #2d2f31;
      --gemini-live-foreground: #e3e3e3;
      --gemini-live-muted-foreground: #c4c7c5;
      --gemini-live-border: #5f6368;
      --gemini-live-accent: #a8c7fa;
      --gemini-live-accent-foreground: #062e6f;
      --gemini-live-model-meter: #ffb77c;
      --gemini-live-user-background: #0842a0;
      --gemini-live-user-foreground: #ffffff;
      --gemini-live-model-background: #2d2f31;
      --gemini-live-model-foreground: #e3e3e3;
      --gemini-live-danger: #f2b8b5;
      --gemini-live-danger-foreground: #601410;
      --gemini-live-focus-ring: #a8c7fa;
    }
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  [part~='base'] {
    font: inherit;
  }

  [part~='panel'] {
    display: flex;
    flex-direction: column;
    gap: 12px;
    padding: 16px;
    background: var(--gemini-live-background);
    color: var(--gemini-live-foreground);
    border: 1px solid var(--gemini-live-border);
    border-radius: var(--gemini-live-radius);
    max-width: 100%;
  }

  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }

  button {
    font: inherit;
    font-size: 0.9375rem;
    cursor: pointer;
    border-radius: calc(var(--gemini-live-radius) * 2);
    border: 1px solid var(--gemini-live-border);
    background: var(--gemini-live-surface);
    color: var(--gemini-live-foreground);
    padding: 8px 16px;
    min-height: 40px;
    display: inline-flex;
    align-items: center;
    gap: 8px;
    touch-action: manipulation;
    -webkit-user-select: none;
    user-select: none;
  }

  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--gemini-live-focus-ring);
    outline-offset: 2px;
  }

  button[disabled] {
    cursor: not-allowed;
    opacity: 0.6;
  }

  [part~='toggle'],
  [part~='talk'],
  [part~='terms-accept'] {
    background: var(--gemini-live-accent);
    color: var(--gemini-live-accent-foreground);
    border-color: var(--gemini-live-accent);
    font-weight: 600;
  }

  [part~='toggle'][aria-pressed='true'] {
    background: var(--gemini-live-danger);
    border-color: var(--gemini-live-danger);
    color: var(--gemini-live-danger-foreground);
  }

  [part~='talk'][aria-pressed='true'] {
    box-shadow: 0 0 0 4px color-mix(in srgb, var(--gemini-live-accent) 35%, transparent);
  }

  [part~='mute'][aria-pressed='true'],
  [part~='video'][aria-pressed='true'],
  [part~='settings'][aria-expanded='true'] {
    background: var(--gemini-live-foreground);
    color: var(--gemini-live-background);
  }

  .icon {
    width: 20px;
    height: 20px;
    flex: none;
    fill: currentColor;
  }

  /* Arrows point the way the text runs. */
  [dir='rtl'] [part~='send'] .icon {
    transform: scaleX(-1);
  }

  [part~='terms'] {
    display: flex;
    flex-direction: column;
    gap: 12px;
    padding: 12px;
    border-radius: var(--gemini-live-radius);
    border: 1px solid var(--gemini-live-border);
    overflow-y: auto;
    max-height: var(--gemini-live-transcript-max-height);
  }

  [part~='terms']:focus-visible {
    outline: 3px solid var(--gemini-live-focus-ring);
    outline-offset: 2px;
  }

  .terms-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }

  .status-row {
    display: flex;
    align-items: center;
    gap: 12px;
    min-height: 24px;
  }

  [part~='status'],
  [part~='notice'] {
    color: var(--gemini-live-muted-foreground);
    font-size: 0.875rem;
    flex: 1;
  }

  [part~='error'] {
    display: flex;
    align-items: flex-start;
    gap: 8px;
    padding: 8px 12px;
    border-radius: var(--gemini-live-radius);
    border: 1px solid var(--gemini-live-danger);
    color: var(--gemini-live-foreground);
    background: var(--gemini-live-background);
    font-size: 0.875rem;
  }

  [part~='error'] p {
    margin: 0;
    flex: 1;
  }

  [part~='error'] button {
    padding: 4px 12px;
    min-height: 32px;
  }

  [part~='transcript'] {
    list-style: none;
    margin: 0;
    padding: 0;
    /* Block layout, not a flex column: a growing caption then lays out its own turn, not all of them again. */
    display: block;
    overflow-y: auto;
    max-height: var(--gemini-live-transcript-max-height);
    overscroll-behavior: contain;
  }

  .empty {
    color: var(--gemini-live-muted-foreground);
    font-size: 0.875rem;
  }

  [part~='turn'] {
    display: block;
    width: fit-content;
    box-sizing: border-box;
    margin-top: 8px;
    padding: 8px 12px;
    border-radius: var(--gemini-live-radius);
    max-width: 85%;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    /*
     * A caption growing one turn lays out that turn only. (No content-visibility: auto: with hundreds of turns,
     * its per-turn visibility checks cost more each frame than painting turns out of view, which are clipped.)
     */
    contain: layout paint style;
  }

  [part~='turn']:first-child {
    margin-top: 0;
  }

  [part~='turn-user'] {
    margin-inline-start: auto;
    background: var(--gemini-live-user-background);
    color: var(--gemini-live-user-foreground);
  }

  [part~='turn-model'] {
    margin-inline-end: auto;
    background: var(--gemini-live-model-background);
    color: var(--gemini-live-model-foreground);
  }

  [part~='turn'].partial {
    opacity: 0.85;
  }

  .speaker {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  .interrupted-mark {
    font-style: italic;
    opacity: 0.9;
  }

  form {
    display: flex;
    gap: 8px;
  }

  [part~='text-input'] {
    flex: 1;
    min-width: 0;
    font: inherit;
    padding: 8px 12px;
    border-radius: calc(var(--gemini-live-radius) * 2);
    border: 1px solid var(--gemini-live-border);
    background: var(--gemini-live-background);
    color: var(--gemini-live-foreground);
  }

  [part~='text-input']::placeholder {
    color: var(--gemini-live-muted-foreground);
  }

  [part~='video-preview'] {
    width: 100%;
    max-height: 200px;
    border-radius: var(--gemini-live-radius);
    background: #000;
    object-fit: contain;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  /* Floating layout: a launcher in a corner that opens the panel above it. */
  :host([layout='floating']) [part~='base'] {
    position: fixed;
    inset-block-end: var(--gemini-live-inset-block-end);
    inset-inline-end: var(--gemini-live-inset-inline-end);
    z-index: var(--gemini-live-z-index);
    display: flex;
    flex-direction: column-reverse;
    align-items: flex-end;
    gap: 12px;
  }

  :host([layout='floating']) [part~='panel'] {
    width: min(var(--gemini-live-panel-width), calc(100vw - 2 * var(--gemini-live-inset-inline-end)));
    max-height: min(var(--gemini-live-panel-max-height), calc(100vh - 120px));
    box-shadow: 0 8px 28px rgb(0 0 0 / 0.24);
  }

  :host([layout='floating']) [part~='panel'][hidden] {
    display: none;
  }

  [part~='launcher'] {
    width: var(--gemini-live-launcher-size);
    height: var(--gemini-live-launcher-size);
    border-radius: 50%;
    padding: 0;
    justify-content: center;
    background: var(--gemini-live-accent);
    color: var(--gemini-live-accent-foreground);
    border-color: var(--gemini-live-accent);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.24);
  }

  [part~='launcher'] .icon {
    width: 28px;
    height: 28px;
  }

  :host([state='speaking']) [part~='launcher'],
  :host([state='listening']) [part~='launcher'] {
    box-shadow: 0 0 0 4px color-mix(in srgb, var(--gemini-live-accent) 40%, transparent);
  }
`;

export const styles = [panelStyles, visualizerStyles];
