/**
 * Keeps an `AudioContext` running: the OS or browser may suspend it (a phone call, iOS sending the tab to the
 * background: Safari's "interrupted" state). Tries `resume` at once, and if the browser wants a gesture, again on
 * the next one. Returns a function that stops watching.
 */
export function keepContextRunning(context: AudioContext, resume: () => Promise<void>): () => void {
  let onGesture: (() => void) | undefined;
  const disarm = () => {
    if (!onGesture) return;
    document.removeEventListener('pointerdown', onGesture, true);
    document.removeEventListener('keydown', onGesture, true);
    onGesture = undefined;
  };
  const onStateChange = () => {
    const state = context.state as string;
    if (state !== 'suspended' && state !== 'interrupted') return;
    resume().catch(() => undefined);
    if (onGesture) return;
    onGesture = () => {
      disarm();
      if (context.state !== 'running' && context.state !== 'closed') resume().catch(() => undefined);
    };
    document.addEventListener('pointerdown', onGesture, true);
    document.addEventListener('keydown', onGesture, true);
  };
  context.addEventListener('statechange', onStateChange);
  return () => {
    context.removeEventListener('statechange', onStateChange);
    disarm();
  };
}
