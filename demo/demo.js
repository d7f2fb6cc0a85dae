// Shared by the demo pages: the navigation, the mode line, and each page's own source snippet.
const pages = [
  ['index.html', 'Basic'],
  ['styling.html', 'Styling'],
  ['floating.html', 'Floating launcher'],
  ['text.html', 'Text mode'],
  ['typing.html', 'Typing only'],
  ['consent.html', 'Consent'],
  ['languages.html', 'Languages'],
  ['push-to-talk.html', 'Push-to-talk'],
  ['tools.html', 'Page tools'],
  ['video.html', 'Video'],
  ['events.html', 'Event log'],
  ['react.html', 'React'],
];

const header = document.querySelector('header');
if (header) {
  const nav = document.createElement('nav');
  nav.setAttribute('aria-label', 'Demo pages');
  const here = location.pathname.split('/').pop() || 'index.html';
  for (const [href, label] of pages) {
    const link = document.createElement('a');
    link.href = href;
    link.textContent = label;
    if (href === here) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  header.prepend(nav);
  const mode = document.createElement('p');
  mode.className = 'mode';
  fetch('/api/mode')
    .then((response) => (response.ok ? response.json() : null))
    .then((info) => {
      if (info) mode.textContent = info.simulator
        ? 'Offline: answers come from the local Live API simulator (set GEMINI_API_KEY to talk to Gemini).'
        : 'Live: connected to the Gemini Live API through short-lived tokens from /api/token.';
    })
    .catch(() => undefined);
  header.append(mode);
}

// Shows the markup marked with data-snippet as the page's source: read from the page as written, before the
// element upgraded (and reflected its state), without what the demo server adds.
const snippet = document.querySelector('pre[data-source]');
if (snippet) {
  fetch(location.href, { cache: 'no-store' })
    .then((response) => response.text())
    .then((source) => {
      const written = new DOMParser().parseFromString(source, 'text/html');
      const parts = [...written.querySelectorAll('[data-snippet]')].map((node) => {
        if (node instanceof HTMLScriptElement) return `<script type="module">${node.textContent}</script>`;
        node.removeAttribute('data-snippet');
        if (node.hasAttribute('data-injected-base')) {
          node.removeAttribute('api-base-url');
          node.removeAttribute('data-injected-base');
        }
        return node.outerHTML.replace(/=""/g, '');
      });
      const code = document.createElement('code');
      code.textContent = ['<script type="module" src="/dist/gemini-live.js"></script>', ...parts].join('\n\n');
      snippet.append(code);
    })
    .catch(() => undefined);
}

// A page whose example is a script file (the React page) shows that file.
const sourceFile = document.querySelector('pre[data-source-file]');
if (sourceFile) {
  fetch(sourceFile.dataset.sourceFile, { cache: 'no-store' })
    .then((response) => (response.ok ? response.text() : ''))
    .then((source) => {
      const code = document.createElement('code');
      code.textContent = source;
      sourceFile.append(code);
    })
    .catch(() => undefined);
}

// The consent page: forgets the visitor's answer, so the terms show again on the next start.
for (const button of document.querySelectorAll('button[data-forget-terms]')) {
  button.addEventListener('click', () => {
    try {
      localStorage.removeItem(button.dataset.forgetTerms);
    } catch {
      // Storage blocked: nothing was kept.
    }
    button.textContent = 'Forgotten: reload the page and start again';
  });
}

// The languages page: the picker sets the element's `language`.
const picker = document.querySelector('select[data-language]');
if (picker) {
  const element = document.querySelector('gemini-live');
  picker.addEventListener('change', () => element.setAttribute('language', picker.value));
  const asked = new URLSearchParams(location.search).get('language');
  if (asked && [...picker.options].some((option) => option.value === asked)) {
    picker.value = asked;
    element.setAttribute('language', asked);
  }
}
