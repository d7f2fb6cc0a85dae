// After a resume, or once the system gives the context back, its clock is watched for this long ...
const CLOCK_CHECK_MS = 600;
// ... and must have moved by at least this share of the time that passed: a context that says "running" while its
// clock stands still (iOS after a lock screen or a call) will not play again.
const CLOCK_MIN_RATE = 0.1;
// The page is back in view but the context still says "interrupted": the system is given this long to end the
// interruption itself before it is resumed by hand.
const VISIBLE_GRACE_MS = 1000;

/**
 * Keeps an `AudioContext` running through what browsers and phones do to it. Suspended (by the browser, or
 * after an interruption): resumed at once, and again on the next gesture if the browser wants one. Interrupted
 * (iOS: a phone call, the lock screen, Siri): left alone until the system ends the interruption, since a resume
 * during one fails and can leave a context that says "running" with a frozen clock (GetStream stream-video-js
 * #2249); a gesture, or the page back in view for a second, resumes it by hand. Each time it should run again its
 * clock is checked; a context that has run before and now will not (its resume rejects, or its clock stands
 * still) is reported to `onLost`, again at each later attempt, so its owner can build a new one. Returns a
 * function that stops watching.
 */
export function keepContextRunning(context: AudioContext, resume: () => Promise<void>, onLost?: () => void): () => void {
  const state = () => context.state as string;
  // Left "running" and not yet seen running again with a moving clock.
  let troubled = state() !== 'running';
  // It has said "running": only such a context can be lost (a new one may just be waiting for a gesture).
  let ran = !troubled;
  let stopped = false;
  let clockTimer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;

  const lost = () => {
    if (!stopped && ran) onLost?.();
  };

  const checkClock = () => {
    clearTimeout(clockTimer);
    const startTime = context.currentTime;
    const startWall = performance.now();
    clockTimer = setTimeout(() => {
      clockTimer = undefined;
      // A state change meanwhile takes over from here.
      if (stopped || state() !== 'running') return;
      const elapsed = (performance.now() - startWall) / 1000;
      if (context.currentTime - startTime >= elapsed * CLOCK_MIN_RATE) {
        troubled = false;
      } else {
        lost();
      }
    }, CLOCK_CHECK_MS);
  };

  const tryResume = () => {
    let resuming: Promise<void>;
    try {
      resuming = resume();
    } catch {
      return;
    }
    resuming.then(
      () => {
        if (!stopped && state() === 'running') checkClock();
      },
      () => {
        // Still interrupted: the call goes on; the end of the interruption is awaited.
        if (state() !== 'interrupted' && state() !== 'closed') lost();
      },
    );
  };

  const onStateChange = () => {
    switch (state()) {
      case 'running':
        ran = true;
        if (troubled) checkClock();
        break;
      case 'suspended':
        troubled = true;
        tryResume();
        break;
      case 'interrupted':
        troubled = true;
        clearTimeout(clockTimer);
        break;
      case 'closed':
        stop();
        break;
    }
  };

  // A gesture may resume what the browser would not resume without one (and a context stuck "interrupted").
  const onGesture = () => {
    if (!troubled) return;
    if (state() === 'running') {
      if (!clockTimer) checkClock();
    } else if (state() !== 'closed') {
      tryResume();
    }
  };

  const onVisibility = () => {
    clearTimeout(graceTimer);
    if (!troubled || document.visibilityState !== 'visible') return;
    if (state() === 'suspended') tryResume();
    else if (state() === 'running' && !clockTimer) checkClock();
    else if (state() === 'interrupted') {
      graceTimer = setTimeout(() => {
        if (!stopped && troubled && document.visibilityState === 'visible' && state() === 'interrupted') tryResume();
      }, VISIBLE_GRACE_MS);
    }
  };

  const stop = () => {
    stopped = true;
    clearTimeout(clockTimer);
    clearTimeout(graceTimer);
    context.removeEventListener('statechange', onStateChange);
    document.removeEventListener('pointerdown', onGesture, true);
    document.removeEventListener('keydown', onGesture, true);
    document.removeEventListener('visibilitychange', onVisibility);
  };

  context.addEventListener('statechange', onStateChange);
  document.addEventListener('pointerdown', onGesture, true);
  document.addEventListener('keydown', onGesture, true);
  document.addEventListener('visibilitychange', onVisibility);
  return stop;
}
