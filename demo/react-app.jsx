// The React page's app: <GeminiLive> from gemini-live/react, with its state and transcript in React state.
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GeminiLive } from 'gemini-live/react';

function Assistant({ apiBaseUrl }) {
  const live = useRef(null);
  const [state, setState] = useState('idle');
  const [turns, setTurns] = useState([]);
  const [error, setError] = useState('');

  return (
    <>
      <GeminiLive
        ref={live}
        tokenEndpoint="/api/token"
        apiBaseUrl={apiBaseUrl}
        voice="Kore"
        textInput
        onState={(event) => setState(event.detail.state)}
        onTranscript={(event) => setTurns(event.detail.transcript)}
        onError={(event) => setError(event.detail.message)}
      />
      <p>
        React sees the state <output data-state>{state}</output>
        {error && <span role="alert"> — {error}</span>}
      </p>
      <button type="button" disabled={state === 'idle'} onClick={() => live.current?.sendText('Hello from React')}>
        Send “Hello from React”
      </button>
      <ol data-turns>
        {turns.map((turn, index) => (
          <li key={index}>
            <b>{turn.role === 'user' ? 'You' : 'Gemini'}:</b> {turn.text}
          </li>
        ))}
      </ol>
    </>
  );
}

function App() {
  // The demo server's simulator answers on this origin; with a real key, the element talks to Gemini itself.
  const [mode, setMode] = useState();
  useEffect(() => {
    fetch('/api/mode')
      .then((response) => response.json())
      .then(setMode)
      .catch(() => setMode({ simulator: false }));
  }, []);
  if (!mode) return null;
  return <Assistant apiBaseUrl={mode.simulator ? location.origin : undefined} />;
}

createRoot(document.getElementById('app')).render(<App />);
