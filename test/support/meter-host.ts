/** The element's visualizer with its real styles and level animation, fed by hand: for tests of the page's meter. */
import { LitElement, css } from 'lit';
import { LevelAnimationController, type LevelSource } from '../../src/element/level-animation-controller.js';
import { styles } from '../../src/element/styles.js';
import { visualizerTemplate } from '../../src/element/visualizer.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class MeterHost extends LitElement {
  static override styles = styles;

  readonly source: Mutable<LevelSource> = { active: false, inputLevel: 0, outputLevel: 0 };

  constructor() {
    super();
    new LevelAnimationController(this, this.source, () => this.visualizer);
  }

  get visualizer(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="visualizer"]');
  }

  override render() {
    return visualizerTemplate;
  }
}
customElements.define('meter-test-host', MeterHost);

/** The same, with the bars jumping to each level: a test measures where they end up, not how they get there. */
export class InstantMeterHost extends MeterHost {
  static override styles = [
    ...styles,
    css`
      [part~='visualizer'] span {
        transition: none !important;
      }
    `,
  ];
}
customElements.define('instant-meter-test-host', InstantMeterHost);

/** `rgb(…)` as its relative luminance (WCAG 2). */
function luminance(color: string): number {
  const [r, g, b] = color.match(/[\d.]+/g)!.slice(0, 3).map((v) => Number(v) / 255);
  const linear = (v: number) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** The WCAG contrast ratio of two `rgb(…)` colours. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
