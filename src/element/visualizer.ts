import { css, html } from 'lit';

// The level meter: five bars whose height follows the conversation's level, written into `--gemini-live-level`
// by the page (LevelAnimationController) or replaced by a canvas that the session's worker draws.

export const visualizerTemplate = html`<div part="visualizer" aria-hidden="true">
  <span class="bar-short"></span><span class="bar-tall"></span><span class="bar-mid"></span><span
    class="bar-tall"
  ></span><span class="bar-short"></span>
</div>`;

export const visualizerStyles = css`
  [part~='visualizer'] {
    display: flex;
    align-items: center;
    gap: 3px;
    height: 24px;
    --gemini-live-level: 0;
    /* A level update restyles these five bars and nothing around them. */
    contain: layout paint style;
  }

  [part~='visualizer'] span {
    display: block;
    width: 4px;
    height: 100%;
    border-radius: 2px;
    background: var(--gemini-live-accent);
    transform-origin: center;
    transform: scaleY(calc(0.15 + var(--gemini-live-level) * var(--bar, 1)));
    /* Levels arrive a few times a second; the compositor eases between them on the bars' own layers. */
    transition: transform 100ms linear;
    will-change: transform;
  }

  /* Bar heights as classes, not style attributes: a strict style-src allows no inline styles. */
  [part~='visualizer'] .bar-short {
    --bar: 0.6;
  }
  [part~='visualizer'] .bar-mid {
    --bar: 0.8;
  }
  [part~='visualizer'] .bar-tall {
    --bar: 1;
  }

  /* While a session's worker draws the meter, a canvas stands in for the bars. */
  [part~='visualizer'] canvas {
    display: block;
    width: 32px;
    height: 100%;
  }

  [part~='visualizer'].off-page span {
    display: none;
  }

  :host([state='idle']) [part~='visualizer'] span,
  :host([state='error']) [part~='visualizer'] span {
    background: var(--gemini-live-border);
  }

  @media (prefers-reduced-motion: reduce) {
    [part~='visualizer'] span {
      transform: none;
      transition: opacity 200ms linear;
      will-change: opacity;
      opacity: calc(0.35 + var(--gemini-live-level));
    }
  }
`;
