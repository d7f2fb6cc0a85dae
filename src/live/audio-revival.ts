import type { AudioEngine } from '../audio/audio-engine.js';
import type { PipelineClient } from '../pipeline/pipeline-client.js';
import { loadAudioEngine, workletsReady } from './session-audio.js';

// After an attempt, signs of a lost context are not acted on for this long: a browser whose new contexts will not
// run either is not sent round in a loop of microphones and contexts.
const PAUSE_MS = 5000;

/** What a revival needs from its session. */
export interface AudioRevivalHost {
  /** The engine in use. */
  engine(): AudioEngine | undefined;
  pipeline(): PipelineClient | undefined;
  /** Opens the microphone on `engine` (not yet in use), on the device the session uses now. */
  openMicrophone(engine: AudioEngine): Promise<void>;
  /** Puts `engine` in place of the one in use, wired like the first (the revival disposes the old one). */
  adopt(engine: AudioEngine): void;
  ended(): boolean;
}

/**
 * Brings a session's audio back when its `AudioContext` will not run again (iOS after a phone call or the lock
 * screen: a resume that rejects, or a context that says "running" with a frozen clock). A new engine is built on
 * a new context beside the old one: its worklets load, the microphone opens on it, and only then do the worklets'
 * channels to the pipeline move to it and the session adopt it. The connection, the transcript and the socket
 * worker go on untouched. If any step fails, the old engine stays in use and the next sign of a lost context
 * tries again.
 *
 * Built one level above the engine, so that the engine keeps its one context for life (every node and the
 * capture belong to it) and a rebuild is the same path as a first start.
 */
export class AudioRevival {
  private reviving?: Promise<void>;
  private disposed = false;
  private attemptedAt = -Infinity;

  constructor(private readonly host: AudioRevivalHost) {}

  /**
   * Replaces the engine in use with one on a new context; a call while one runs shares it, and one soon after
   * an attempt is let go (the context's watcher says so again at the next gesture or return to the page).
   */
  revive(): Promise<void> {
    if (this.reviving) return this.reviving;
    if (this.disposed || performance.now() - this.attemptedAt < PAUSE_MS) return Promise.resolve();
    this.attemptedAt = performance.now();
    this.reviving = this.rebuild()
      .catch(() => undefined)
      .finally(() => {
        this.reviving = undefined;
      });
    return this.reviving;
  }

  /** No more revivals; resolves once one under way has released what it built. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.reviving;
  }

  private async rebuild(): Promise<void> {
    const old = this.host.engine();
    const pipeline = this.host.pipeline();
    if (!old || !pipeline || this.host.ended()) return;
    // Outside a gesture: where the browser wants one, the new context starts at the next (keepContextRunning).
    const engine = await loadAudioEngine(new AudioContext({ latencyHint: 'interactive' }));
    try {
      engine.muted = old.muted;
      if (old.capturing) await this.host.openMicrophone(engine);
      else await workletsReady(engine);
      this.assertCurrent(old);
      const { ports, moved } = pipeline.moveWorklets();
      engine.connectPipeline(ports);
      // Voice reports about the old playback worklet come before this: the new engine hears only of its own.
      await moved;
      this.assertCurrent(old);
    } catch (error) {
      await engine.dispose();
      throw error;
    }
    this.host.adopt(engine);
    await old.dispose();
  }

  private assertCurrent(old: AudioEngine): void {
    if (this.disposed || this.host.ended() || this.host.engine() !== old) throw new DOMException('The session moved on.', 'AbortError');
  }
}
