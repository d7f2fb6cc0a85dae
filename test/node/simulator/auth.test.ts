import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GoogleGenAI, Modality } from '@google/genai';
import {
  TEXT_MODEL,
  MODEL,
  connect,
  connectExpectingClose,
  connectWith,
  rawSocket,
  startTestSimulator,
  type Sim,
} from './helpers.js';

const BAD_KEY = 'API key not valid. Please pass a valid API key.';

/** A server-side SDK client that mints tokens, as the app's token handler would. */
function tokenMinter(sim: Sim, apiKey = 'sim-key') {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: sim.url, apiVersion: 'v1alpha' } });
}

/** A browser-side SDK client using a token. */
function tokenClient(sim: Sim, token: string, apiVersion = 'v1alpha') {
  return new GoogleGenAI({ apiKey: token, httpOptions: { baseUrl: sim.url, apiVersion } });
}

describe('API keys and URLs', () => {
  let sim: Sim;
  before(async () => {
    sim = await startTestSimulator({ apiKeys: ['sim-key', 'second-key'] });
  });
  after(() => sim.close());

  test('a valid key connects on every API version; frames are binary', async () => {
    for (const apiVersion of ['v1beta', 'v1alpha', 'v1']) {
      const client = await connect(sim, { apiVersion });
      assert.equal(client.messages[0]?.setupComplete !== undefined, true);
      const record = sim.control.latest();
      assert.equal(record.apiVersion, apiVersion);
      assert.equal(record.auth.kind, 'key');
      assert.equal(record.auth.ok, true);
      assert.match(record.url, /^\/\/ws\/google\.ai\.generativelanguage\./);
      client.session.close();
      await client.closed;
    }
    const raw = rawSocket(sim);
    await raw.opened;
    raw.ws.send(JSON.stringify({ setup: { model: `models/${MODEL}` } }));
    await sim.control.waitFor(() => raw.frames.length > 0);
    assert.equal(raw.frames[0].binary, true);
    assert.deepEqual(JSON.parse(raw.frames[0].data.toString('utf8')), { setupComplete: {} });
    raw.ws.close();
  });

  test('a base URL with a path prefix still reaches the simulator', async () => {
    const client = await connect(sim, { baseUrl: `${sim.url}/some/prefix`, apiKey: 'second-key' });
    assert.equal(sim.control.latest().path.startsWith('/some/prefix/ws/'), true);
    client.session.close();
  });

  test('a bad key: the upgrade succeeds, the setup is read, then close 1007', async () => {
    const { close, error } = await connectExpectingClose(sim, { apiKey: 'wrong' });
    assert.deepEqual(close, { code: 1007, reason: BAD_KEY });
    assert.match(error.message, /1007/);
    const record = sim.control.latest();
    assert.equal(record.auth.error, 'bad-key');
    assert.equal(record.setup?.model, `models/${MODEL}`);
    const recorded = await sim.control.waitFor(() => record.close);
    assert.deepEqual([recorded.code, recorded.initiatedBy], [1007, 'server']);
  });

  test('an unknown model closes 1008 with the service’s wording', async () => {
    const { close } = await connectExpectingClose(sim, { model: 'gemini-nonexistent' });
    assert.equal(close?.code, 1008);
    assert.equal(close?.reason, 'models/gemini-nonexistent is not found for API version v1beta, or is not supported for bidiGenerateContent.');
  });

  test('a first frame that is not a setup closes 1007; so does non-JSON', async () => {
    const raw = rawSocket(sim);
    await raw.opened;
    raw.ws.send(JSON.stringify({ realtimeInput: { text: 'hi' } }));
    assert.equal((await raw.closed).code, 1007);
    const junk = rawSocket(sim);
    await junk.opened;
    junk.ws.send('not json');
    assert.deepEqual(await junk.closed, { code: 1007, reason: 'Invalid JSON payload received.' });
  });

  test('explicit activity signals with automatic detection on close 1007', async () => {
    const client = await connect(sim);
    client.session.sendRealtimeInput({ activityStart: {} });
    const close = await client.closed;
    assert.equal(close.code, 1007);
    assert.match(close.reason, /automatic activity detection is enabled/);
  });

  test('unknown paths under /ws/ get a 404 before any upgrade', async () => {
    const raw = rawSocket(sim, 'key=sim-key', 'v2');
    await assert.rejects(raw.opened, /404/);
  });
});

describe('ephemeral tokens', () => {
  let sim: Sim;
  let clock = Date.now();
  const warn = console.warn;
  before(async () => {
    sim = await startTestSimulator({ now: () => clock });
    // The SDK warns on every token connection that the feature is experimental.
    console.warn = (...args: unknown[]) => {
      if (!/ephemeral token/i.test(String(args[0]))) warn(...args);
    };
  });
  after(async () => {
    console.warn = warn;
    await sim.close();
  });

  test('authTokens.create hits POST /v1alpha/auth_tokens and returns the token name', async () => {
    const token = await tokenMinter(sim).authTokens.create({ config: { uses: 1 } });
    assert.match(token.name ?? '', /^auth_tokens\/[0-9a-f]{48}$/);
    assert.deepEqual(Object.keys(token), ['name']);
  });

  test('creating a token needs a valid key and v1alpha', async () => {
    await assert.rejects(tokenMinter(sim, 'wrong').authTokens.create({ config: {} }), /API key not valid/);
    const beta = new GoogleGenAI({ apiKey: 'sim-key', httpOptions: { baseUrl: sim.url, apiVersion: 'v1beta' } });
    await assert.rejects(beta.authTokens.create({ config: {} }), /404|not found/i);
  });

  test('a token connects through BidiGenerateContentConstrained; uses run out; bad tokens close 1007', async () => {
    const token = await tokenMinter(sim).authTokens.create({ config: { uses: 1 } });
    const client = await connectWith(tokenClient(sim, token.name!));
    const record = sim.control.latest();
    assert.equal(record.method, 'BidiGenerateContentConstrained');
    assert.equal(record.auth.kind, 'token');
    assert.equal(record.auth.credential, token.name);
    client.session.close();

    const again = await connectExpectingClose(sim, {}, tokenClient(sim, token.name!));
    assert.deepEqual(again.close, { code: 1007, reason: BAD_KEY });
    assert.equal(sim.control.latest().auth.error, 'used-up');

    const unknown = await connectExpectingClose(sim, {}, tokenClient(sim, 'auth_tokens/deadbeef'));
    assert.equal(unknown.close?.code, 1007);
    assert.equal(sim.control.latest().auth.error, 'unknown');
  });

  test('tokens need v1alpha', async () => {
    const token = await tokenMinter(sim).authTokens.create({ config: {} });
    const { close } = await connectExpectingClose(sim, {}, tokenClient(sim, token.name!, 'v1beta'));
    assert.equal(close?.code, 1007);
    assert.equal(sim.control.latest().auth.error, 'needs-v1alpha');
  });

  test('newSessionExpireTime and expireTime are enforced (resumption survives the first, not the second)', async () => {
    const token = await tokenMinter(sim).authTokens.create({ config: { uses: 0 } });
    const first = await connectWith(tokenClient(sim, token.name!), { config: { sessionResumption: {} } });
    const update = await first.waitFor((m) => !!m.sessionResumptionUpdate?.newHandle);
    const handle = update.sessionResumptionUpdate!.newHandle!;
    first.session.close();
    await first.closed;

    clock += 61_000; // past the default 60 s for new sessions
    const fresh = await connectExpectingClose(sim, {}, tokenClient(sim, token.name!));
    assert.equal(fresh.close?.code, 1007);
    assert.equal(sim.control.latest().auth.error, 'new-sessions-expired');
    const resumed = await connectWith(tokenClient(sim, token.name!), { config: { sessionResumption: { handle } } });
    assert.equal(sim.control.latest().session.resumed, true);
    resumed.session.close();

    clock += 30 * 60_000; // past the default 30 min
    const expired = await connectExpectingClose(sim, { config: { sessionResumption: { handle } } }, tokenClient(sim, token.name!));
    assert.deepEqual(expired.close, { code: 1007, reason: 'API key expired. Please renew the API key.' });
    clock = Date.now();
  });

  test('an open session closes when its token expires', async () => {
    const token = await tokenMinter(sim).authTokens.create({ config: { expireTime: new Date(clock + 300).toISOString() } });
    const client = await connectWith(tokenClient(sim, token.name!));
    assert.deepEqual(await client.closed, { code: 1007, reason: 'API key expired. Please renew the API key.' });
  });

  test('resuming with a known handle does not use up a token', async () => {
    const minter = tokenMinter(sim);
    const token = await minter.authTokens.create({ config: { uses: 1 } });
    const first = await connectWith(tokenClient(sim, token.name!), { config: { sessionResumption: {} } });
    const handle = (await first.waitFor((m) => !!m.sessionResumptionUpdate?.newHandle)).sessionResumptionUpdate!.newHandle!;
    first.session.close();
    const resumed = await connectWith(tokenClient(sim, token.name!), { config: { sessionResumption: { handle } } });
    assert.equal(sim.control.latest().auth.ok, true);
    resumed.session.close();
  });

  test('liveConnectConstraints lock fields: the connection’s values are overridden and recorded', async () => {
    const minter = tokenMinter(sim);
    const token = await minter.authTokens.create({
      config: {
        uses: 3,
        liveConnectConstraints: {
          model: TEXT_MODEL,
          config: { responseModalities: [Modality.TEXT], systemInstruction: 'Locked instruction' },
        },
        lockAdditionalFields: [],
      },
    });
    const client = await connectWith(tokenClient(sim, token.name!), {
      model: MODEL,
      config: { responseModalities: [Modality.AUDIO], systemInstruction: 'Mine', temperature: 0.3 },
    });
    const record = sim.control.latest();
    assert.equal(record.model, TEXT_MODEL);
    assert.deepEqual(record.effectiveSetup?.generationConfig, { responseModalities: ['TEXT'], temperature: 0.3 });
    assert.deepEqual(record.effectiveSetup?.systemInstruction, { parts: [{ text: 'Locked instruction' }], role: 'user' });
    assert.deepEqual(record.overriddenFields, ['model', 'generationConfig.responseModalities', 'systemInstruction.parts']);
    assert.equal(record.setup?.model, `models/${MODEL}`);
    // The locked TEXT modality is what the conversation uses.
    client.session.sendClientContent({ turns: 'Hello', turnComplete: true });
    await client.waitFor((m) => !!m.serverContent?.turnComplete);
    assert.ok(client.kinds().includes('text'));
    assert.ok(!client.kinds().includes('audio'));
    client.session.close();

    // Without lockAdditionalFields every field is locked, temperature included.
    const lockAll = await minter.authTokens.create({
      config: { liveConnectConstraints: { model: TEXT_MODEL, config: { responseModalities: [Modality.AUDIO] } } },
    });
    const locked = await connectWith(tokenClient(sim, lockAll.name!), { model: MODEL, config: { temperature: 0.3 } });
    assert.deepEqual(sim.control.latest().effectiveSetup, {
      model: `models/${TEXT_MODEL}`,
      generationConfig: { responseModalities: ['AUDIO'] },
    });
    locked.session.close();
  });

  test('tokenConstraintMode "reject" refuses a setup that contradicts a lock', async () => {
    await sim.control.configure({ tokenConstraintMode: 'reject' });
    try {
      const token = await tokenMinter(sim).authTokens.create({
        config: { liveConnectConstraints: { model: TEXT_MODEL }, lockAdditionalFields: [] },
      });
      const { close } = await connectExpectingClose(sim, { model: MODEL }, tokenClient(sim, token.name!));
      assert.equal(close?.code, 1007);
      assert.match(close?.reason ?? '', /Locked by the ephemeral token: model/);
    } finally {
      await sim.control.configure({ tokenConstraintMode: 'override' });
    }
  });

  test('tokenResponse "full" adds the effective times and uses', async () => {
    await sim.control.configure({ tokenResponse: 'full' });
    try {
      const token = await tokenMinter(sim).authTokens.create({ config: { uses: 2 } });
      assert.equal(token.uses, 2);
      assert.ok(Date.parse(token.expireTime!) > Date.parse(token.newSessionExpireTime!));
    } finally {
      await sim.control.configure({ tokenResponse: 'name' });
    }
  });
});
