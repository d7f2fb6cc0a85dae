/** `navigator.audioSession` (Safari 16.4 and later; not in TypeScript's DOM library yet). */
interface AudioSessionLike {
  type: string;
}

const CALL_TYPE = 'play-and-record';

// Shared by every session on the page: the type the page had, kept until the last holder lets go.
let holders = 0;
let held: { session: AudioSessionLike; previous: string } | undefined;

const nothingToRelease = () => undefined;

/**
 * Sets `navigator.audioSession.type` to `play-and-record` where the browser has one (Safari 16.4+), before the
 * microphone opens: on iOS the voice then plays at call volume on the loudspeaker, not quietly or on the earpiece.
 * Several sessions share the setting; the type the page had before is put back when the last of them lets go
 * (unless the page set another type meanwhile, which is kept). Returns the function that lets go, safe to call
 * more than once.
 */
export function holdPlayAndRecord(): () => void {
  if (!holders) {
    const session = (navigator as Navigator & { audioSession?: AudioSessionLike }).audioSession;
    if (!session) return nothingToRelease;
    try {
      const previous = session.type;
      session.type = CALL_TYPE;
      held = { session, previous };
    } catch {
      return nothingToRelease;
    }
  }
  holders += 1;
  let holding = true;
  return () => {
    if (!holding) return;
    holding = false;
    holders -= 1;
    if (holders || !held) return;
    const { session, previous } = held;
    held = undefined;
    try {
      if (session.type === CALL_TYPE) session.type = previous;
    } catch {
      // A session that refuses the old type keeps the call type: nothing else to do.
    }
  };
}
