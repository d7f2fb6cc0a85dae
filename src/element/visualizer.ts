import { css, html } from 'lit';

// The level meter: five bars whose height follows the conversation's level, written into `--gemini-live-level`
// by the page (LevelAnimationController) or replaced by a canvas that the session's worker draws. It shows one
// side at a time, in colour and in shape: the visitor's microphone as bars in `--gemini-live-accent` growing from
// the centre line; the model's voice (`data-side='model'`) as dots in `--gemini-live-model-meter` rippling in a
// wave. The worker's canvas draws the same (src/pipeline/meter-painter.ts).

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
    /* The model's colour as the visualizer's own, resolved: the dots use it, and the worker's canvas reads it. */
    color: var(--gemini-live-model-meter);
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

  /*
   * The model's side: 6 px dots (taking the bars' 4 px in the row, so nothing moves around them), every other
   * one rising while its neighbours sink, up to 9 px off the centre line.
   */
  [part~='visualizer'][data-side='model'] span {
    width: 6px;
    height: 6px;
    margin-inline: -1px;
    border-radius: 50%;
    background: currentColor;
    transform: translateY(calc(var(--gemini-live-level) * var(--bar, 1) * var(--wave, 1) * 9px));
  }
  [part~='visualizer'] span:nth-child(even) {
    --wave: -1;
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

  /* Reduced motion: the bars and dots stand still and fade with the level; their shape and colour stay apart. */
  @media (prefers-reduced-motion: reduce) {
    [part~='visualizer'] span,
    [part~='visualizer'][data-side='model'] span {
      transform: none;
      transition: opacity 200ms linear;
      will-change: opacity;
      opacity: calc(0.35 + var(--gemini-live-level));
    }
  }
`;
