// The load generator for the Vertex proxy: browser-like clients and a stand-in for the Vertex Live endpoint, all
// in this process so that one clock times both ends of every message. Each session streams microphone audio up
// and receives model audio down at the element's and the service's rates; one metronome spreads every
// session's sends evenly over each period, so the load is steady rather than one burst per period.
import { WebSocket, WebSocketServer } from 'ws';
import { DOWN, MICROPHONE, MODEL_AUDIO, SETUP, SETUP_COMPLETE, UP, nowMicros, stampOf, stamped } from './audio-wire.mjs';

/** The Live path the SDK opens and the proxy serves. */
export const LIVE_PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

const TEXT = { binary: false };
const BINARY = { binary: true };
/** Handshakes in flight at once while sessions are opened. */
const HANDSHAKES_AT_ONCE = 32;
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** How often the metronome wakes; sends due in between go out together, at most ~1 ms late. */
const TICK_MS = 1;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts the messages sent and received in one direction whose send time falls in the measured window, and
 * keeps their one-way latencies (µs).
 */
export class Tally {
  constructor(capacity) {
    this.latencies = new Float64Array(capacity);
    this.count = 0;
    this.sent = 0;
    this.received = 0;
    this.from = Number.POSITIVE_INFINITY;
    this.to = Number.POSITIVE_INFINITY;
  }

  open(from, to) {
    this.from = from;
    this.to = to;
  }

  noteSent(stamp) {
    if (stamp >= this.from && stamp < this.to) this.sent++;
  }

  noteReceived(stamp, now) {
    if (!(stamp >= this.from && stamp < this.to)) return;
    this.received++;
    if (this.count < this.latencies.length) this.latencies[this.count++] = now - stamp;
  }

  /** Latency percentiles in ms. */
  percentiles(...ps) {
    const sorted = this.latencies.slice(0, this.count).sort();
    return ps.map((p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] / 1000 : NaN));
  }
}

/**
 * Sends one message to each of `sockets` per period, session i at offset i/n of the period: a single timer for
 * every session, catching up on whatever fell due since it last woke.
 */
class Stream {
  constructor(sockets, perSecond, send) {
    this.sockets = sockets;
    this.slotMicros = 1e6 / perSecond / sockets.length;
    this.send = send;
    this.done = 0;
  }

  start(at) {
    this.startedAt = at;
  }

  catchUp(now) {
    const due = Math.floor((now - this.startedAt) / this.slotMicros);
    const { sockets } = this;
    for (; this.done <= due; this.done++) this.send(sockets[this.done % sockets.length]);
  }
}

function startMetronome(streams) {
  const at = nowMicros();
  for (const stream of streams) stream.start(at);
  const timer = setInterval(() => {
    const now = nowMicros();
    for (const stream of streams) stream.catchUp(now);
  }, TICK_MS);
  return () => clearInterval(timer);
}

/**
 * The stand-in for Vertex AI: answers each session's setup with `setupComplete`, then times the microphone
 * messages it receives. The model audio it streams is started by {@link runSessions}.
 */
export async function startUpstream(upTally) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, skipUTF8Validation: true });
  await new Promise((resolve) => server.once('listening', resolve));
  const sessions = [];
  const onAudio = (data) => upTally.noteReceived(stampOf(MICROPHONE, data), nowMicros());
  server.on('connection', (socket) => {
    socket.on('error', () => {});
    socket.once('message', (data) => {
      if (!data.includes('"setup"')) return socket.close(1007, 'The first message must be a setup');
      sessions.push(socket);
      socket.on('message', onAudio);
      socket.send(SETUP_COMPLETE, BINARY);
    });
  });
  return {
    url: `ws://127.0.0.1:${server.address().port}${LIVE_PATH}`,
    sessions,
    close() {
      for (const socket of server.clients) socket.terminate();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A browser-like session: connects, sends its setup as text and resolves once `setupComplete` is back. */
function openSession(url, onModelAudio, onLost) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    let ready = false;
    socket.on('error', (error) => {
      if (!ready) reject(error);
    });
    socket.on('close', (code) => {
      if (!ready) reject(new Error(`closed (${code}) before setupComplete`));
      else onLost(code);
    });
    socket.once('open', () => socket.send(SETUP, TEXT));
    socket.once('message', () => {
      ready = true;
      socket.on('message', onModelAudio);
      resolve(socket);
    });
  });
}

/** Opens `n` sessions with a bounded number of handshakes in flight. */
async function openSessions(n, url, onModelAudio, onLost) {
  const sockets = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      sockets.push(await openSession(url, onModelAudio, onLost));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(HANDSHAKES_AT_ONCE, n) }, worker));
  } catch (error) {
    for (const socket of sockets) socket.terminate();
    throw error;
  }
  return sockets;
}

/**
 * Runs `n` sessions through `url` (the proxy, or the upstream itself for the baseline): opens them, streams both
 * ways for `warmupMs`, then measures for `measureMs`. `probe` is called at the window's start and end (the proxy's
 * own figures); the sending stops with the window and the messages still on their way get `drainMs` to arrive.
 */
export async function runSessions({ n, upstream, url, upTally, downTally, warmupMs, measureMs, drainMs, probe }) {
  let lostSessions = 0;
  const onModelAudio = (data) => downTally.noteReceived(stampOf(MODEL_AUDIO, data), nowMicros());
  const clients = await openSessions(n, url, onModelAudio, () => lostSessions++);
  try {
    while (upstream.sessions.length < n) await sleep(5);
    const stopMetronome = startMetronome([
      new Stream(clients, UP.perSecond, (socket) => {
        const at = nowMicros();
        socket.send(stamped(MICROPHONE, at), TEXT);
        upTally.noteSent(at);
      }),
      new Stream(upstream.sessions, DOWN.perSecond, (socket) => {
        const at = nowMicros();
        socket.send(stamped(MODEL_AUDIO, at), BINARY);
        downTally.noteSent(at);
      }),
    ]);
    await sleep(warmupMs);
    const from = nowMicros();
    upTally.open(from, from + measureMs * 1000);
    downTally.open(from, from + measureMs * 1000);
    const ownStart = process.cpuUsage();
    const start = await probe?.();
    await sleep(measureMs);
    const end = await probe?.();
    const own = process.cpuUsage(ownStart);
    // Over the time that really passed: a saturated process wakes from the sleep late.
    const generatorBusy = (own.user + own.system) / (nowMicros() - from);
    stopMetronome();
    const deadline = Date.now() + drainMs;
    while (Date.now() < deadline && (upTally.received < upTally.sent || downTally.received < downTally.sent)) await sleep(10);
    return { start, end, generatorBusy, lostSessions };
  } finally {
    for (const socket of clients) socket.terminate();
  }
}
