/**
 * Kaiser-window low-pass design helpers (J. F. Kaiser's empirical formulas) for the windowed-sinc resampler.
 * Pure functions; they run once per filter design, never per sample.
 */

/** Zeroth-order modified Bessel function of the first kind, by its power series (converges fast for x < 50). */
export function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 200; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's window shape parameter β for a stopband attenuation of `attenuationDb` (positive dB). */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * Kaiser's estimate of the filter length (in taps at the rate the filter runs at) that reaches
 * `attenuationDb` with a transition band `transitionWidth` wide, in cycles per sample.
 */
export function kaiserLength(attenuationDb: number, transitionWidth: number): number {
  return Math.ceil((attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionWidth)) + 1;
}

/** The Kaiser window at `x` in [-1, 1] (0 outside), given β and a precomputed `besselI0(beta)`. */
export function kaiserWindow(x: number, beta: number, i0Beta: number): number {
  if (x <= -1 || x >= 1) return 0;
  return besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta;
}

/** sin(πx)/(πx), with sinc(0) = 1. */
export function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}
