import type { LiveErrorCode, LiveState } from '../live/types.js';

/** Every piece of text the element shows or announces. Override any of them with the `strings` property. */
export interface GeminiLiveStrings {
  start: string;
  stop: string;
  talk: string;
  talking: string;
  mute: string;
  unmute: string;
  send: string;
  textInputLabel: string;
  textInputPlaceholder: string;
  transcriptLabel: string;
  panelLabel: string;
  openPanel: string;
  closePanel: string;
  emptyTranscript: string;
  user: string;
  model: string;
  interrupted: string;
  /** The control that saves the transcript as a text file. */
  download: string;
  startCamera: string;
  startScreen: string;
  stopVideo: string;
  videoPreviewLabel: string;
  dismissError: string;
  /** Shown under a model turn that the service ended for a reason other than a normal end (safety, refusal…). */
  turnEndedEarly: string;
  status: Record<LiveState, string>;
  /** Push-to-talk status while listening. */
  statusPushToTalk: string;
  statusMuted: string;
  errors: Partial<Record<LiveErrorCode, string>> & { default: string };
}

const en: GeminiLiveStrings = {
  start: 'Start conversation',
  stop: 'End conversation',
  talk: 'Hold to talk',
  talking: 'Talking…',
  mute: 'Mute microphone',
  unmute: 'Unmute microphone',
  send: 'Send',
  textInputLabel: 'Message',
  textInputPlaceholder: 'Type a message',
  transcriptLabel: 'Conversation transcript',
  panelLabel: 'Voice conversation',
  openPanel: 'Open voice conversation',
  closePanel: 'Close voice conversation',
  emptyTranscript: 'Start a conversation and speak: what you and the assistant say appears here.',
  user: 'You',
  model: 'Assistant',
  interrupted: '(interrupted)',
  download: 'Download transcript',
  startCamera: 'Share camera',
  startScreen: 'Share screen',
  stopVideo: 'Stop sharing',
  videoPreviewLabel: 'What you are sharing',
  dismissError: 'Dismiss',
  turnEndedEarly: '(the answer was stopped by the service)',
  status: {
    idle: 'Ready',
    connecting: 'Connecting…',
    listening: 'Listening',
    speaking: 'Speaking',
    reconnecting: 'Reconnecting…',
    error: 'Something went wrong',
  },
  statusPushToTalk: 'Hold the talk button or Space to speak',
  statusMuted: 'Muted',
  errors: {
    'mic-denied':
      'Microphone access was blocked. Allow the microphone in your browser\u2019s site settings (the icon in the address bar), then start again.',
    'mic-missing': 'No microphone was found. Connect one, then start again.',
    'mic-failed': 'The microphone could not be opened. Check that no other app is using it, then start again.',
    'audio-failed': 'Audio could not be started in this browser.',
    'token-failed': 'Could not get permission to connect. Try again in a moment.',
    'auth-failed': 'The connection was refused: the access token or key is not valid.',
    'invalid-request': 'The service refused this assistant\u2019s settings. The site needs to fix them; trying again will not help.',
    'quota-exceeded': 'The service is at its usage limit right now. Try again later.',
    'model-not-found': 'The configured model is not available.',
    'setup-timeout': 'The service did not answer in time. Try again.',
    'connection-failed': 'Could not connect to the service. Check your connection and try again.',
    'connection-lost': 'The connection was lost. Start again to continue.',
    'server-closed': 'The service ended the conversation.',
    'video-denied': 'Camera or screen sharing was blocked.',
    'video-failed': 'Video could not be shared.',
    'not-connected': 'Start a conversation first.',
    'config-invalid': 'This voice assistant is not set up correctly, so it cannot start. The site needs to fix its settings.',
    default: 'Something went wrong. Try again.',
  },
};

const de: GeminiLiveStrings = {
  ...en,
  start: 'Gespräch starten',
  stop: 'Gespräch beenden',
  talk: 'Zum Sprechen halten',
  talking: 'Sprechen …',
  mute: 'Mikrofon stummschalten',
  unmute: 'Mikrofon einschalten',
  send: 'Senden',
  textInputLabel: 'Nachricht',
  textInputPlaceholder: 'Nachricht eingeben',
  transcriptLabel: 'Gesprächsverlauf',
  panelLabel: 'Sprachgespräch',
  openPanel: 'Sprachgespräch öffnen',
  closePanel: 'Sprachgespräch schließen',
  emptyTranscript: 'Starten Sie ein Gespräch und sprechen Sie: Was Sie und der Assistent sagen, erscheint hier.',
  user: 'Sie',
  model: 'Assistent',
  interrupted: '(unterbrochen)',
  download: 'Transkript herunterladen',
  startCamera: 'Kamera teilen',
  startScreen: 'Bildschirm teilen',
  stopVideo: 'Teilen beenden',
  videoPreviewLabel: 'Was Sie teilen',
  dismissError: 'Schließen',
  turnEndedEarly: '(die Antwort wurde vom Dienst abgebrochen)',
  status: {
    idle: 'Bereit',
    connecting: 'Verbinde …',
    listening: 'Hört zu',
    speaking: 'Spricht',
    reconnecting: 'Verbinde erneut …',
    error: 'Etwas ist schiefgelaufen',
  },
  statusPushToTalk: 'Halten Sie die Sprechtaste oder die Leertaste gedrückt',
  statusMuted: 'Stummgeschaltet',
  errors: {
    'mic-denied':
      'Der Mikrofonzugriff wurde blockiert. Erlauben Sie das Mikrofon in den Website-Einstellungen des Browsers (Symbol in der Adressleiste) und starten Sie erneut.',
    'mic-missing': 'Kein Mikrofon gefunden. Schließen Sie eines an und starten Sie erneut.',
    'mic-failed': 'Das Mikrofon ließ sich nicht öffnen. Prüfen Sie, ob eine andere App es verwendet, und starten Sie erneut.',
    'audio-failed': 'Audio lässt sich in diesem Browser nicht starten.',
    'token-failed': 'Die Verbindungserlaubnis konnte nicht geholt werden. Versuchen Sie es gleich noch einmal.',
    'auth-failed': 'Die Verbindung wurde abgelehnt: Zugangstoken oder Schlüssel sind ungültig.',
    'invalid-request':
      'Der Dienst hat die Einstellungen dieses Assistenten abgelehnt. Die Website muss sie korrigieren; ein neuer Versuch hilft nicht.',
    'quota-exceeded': 'Der Dienst ist gerade an seiner Nutzungsgrenze. Versuchen Sie es später noch einmal.',
    'model-not-found': 'Das eingestellte Modell ist nicht verfügbar.',
    'setup-timeout': 'Der Dienst hat nicht rechtzeitig geantwortet. Bitte erneut versuchen.',
    'connection-failed': 'Keine Verbindung zum Dienst. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    'connection-lost': 'Die Verbindung wurde unterbrochen. Starten Sie erneut, um fortzufahren.',
    'server-closed': 'Der Dienst hat das Gespräch beendet.',
    'video-denied': 'Kamera oder Bildschirmfreigabe wurde blockiert.',
    'video-failed': 'Das Video konnte nicht geteilt werden.',
    'not-connected': 'Starten Sie zuerst ein Gespräch.',
    'config-invalid': 'Dieser Sprachassistent ist nicht richtig eingerichtet und kann nicht starten. Die Website muss ihre Einstellungen korrigieren.',
    default: 'Etwas ist schiefgelaufen. Bitte erneut versuchen.',
  },
};

const fr: GeminiLiveStrings = {
  ...en,
  start: 'Démarrer la conversation',
  stop: 'Terminer la conversation',
  talk: 'Maintenir pour parler',
  talking: 'Vous parlez…',
  mute: 'Couper le micro',
  unmute: 'Activer le micro',
  send: 'Envoyer',
  textInputLabel: 'Message',
  textInputPlaceholder: 'Écrire un message',
  transcriptLabel: 'Transcription de la conversation',
  panelLabel: 'Conversation vocale',
  openPanel: 'Ouvrir la conversation vocale',
  closePanel: 'Fermer la conversation vocale',
  emptyTranscript: 'Démarrez une conversation et parlez : ce que vous et l\u2019assistant dites s\u2019affiche ici.',
  user: 'Vous',
  model: 'Assistant',
  interrupted: '(interrompu)',
  download: 'Télécharger la transcription',
  startCamera: 'Partager la caméra',
  startScreen: 'Partager l\u2019écran',
  stopVideo: 'Arrêter le partage',
  videoPreviewLabel: 'Ce que vous partagez',
  dismissError: 'Fermer',
  turnEndedEarly: '(la réponse a été interrompue par le service)',
  status: {
    idle: 'Prêt',
    connecting: 'Connexion…',
    listening: 'À l\u2019écoute',
    speaking: 'Parle',
    reconnecting: 'Reconnexion…',
    error: 'Une erreur s\u2019est produite',
  },
  statusPushToTalk: 'Maintenez le bouton ou la barre d\u2019espace pour parler',
  statusMuted: 'Micro coupé',
  errors: {
    'mic-denied':
      'L\u2019accès au micro a été bloqué. Autorisez le micro dans les paramètres du site de votre navigateur (l\u2019icône de la barre d\u2019adresse), puis recommencez.',
    'mic-missing': 'Aucun micro trouvé. Branchez-en un, puis recommencez.',
    'mic-failed': 'Le micro n\u2019a pas pu être ouvert. Vérifiez qu\u2019aucune autre application ne l\u2019utilise, puis recommencez.',
    'audio-failed': 'Le son ne peut pas démarrer dans ce navigateur.',
    'token-failed': 'L\u2019autorisation de connexion n\u2019a pas pu être obtenue. Réessayez dans un instant.',
    'auth-failed': 'La connexion a été refusée : le jeton d\u2019accès ou la clé n\u2019est pas valide.',
    'invalid-request':
      'Le service a refusé les réglages de cet assistant. Le site doit les corriger ; réessayer n\u2019y changera rien.',
    'quota-exceeded': 'Le service a atteint sa limite d\u2019utilisation pour le moment. Réessayez plus tard.',
    'model-not-found': 'Le modèle configuré n\u2019est pas disponible.',
    'setup-timeout': 'Le service n\u2019a pas répondu à temps. Réessayez.',
    'connection-failed': 'Connexion au service impossible. Vérifiez votre connexion et réessayez.',
    'connection-lost': 'La connexion a été perdue. Recommencez pour continuer.',
    'server-closed': 'Le service a mis fin à la conversation.',
    'video-denied': 'Le partage de la caméra ou de l\u2019écran a été bloqué.',
    'video-failed': 'La vidéo n\u2019a pas pu être partagée.',
    'not-connected': 'Commencez d\u2019abord une conversation.',
    'config-invalid': 'Cet assistant vocal n\u2019est pas correctement configuré et ne peut pas démarrer. Le site doit corriger ses réglages.',
    default: 'Une erreur s\u2019est produite. Réessayez.',
  },
};

/** Built-in translations, keyed by primary language subtag. */
export const builtInStrings: Readonly<Record<string, GeminiLiveStrings>> = { en, de, fr };

/** What the `strings` property takes: any subset, down to single status and error messages. */
export type GeminiLiveStringsOverride = Partial<Omit<GeminiLiveStrings, 'status' | 'errors'>> & {
  status?: Partial<GeminiLiveStrings['status']>;
  errors?: Partial<GeminiLiveStrings['errors']>;
};

/** Picks the table for a BCP-47 tag (falling back to English) and applies overrides on top. */
export function resolveStrings(lang: string | undefined, overrides?: GeminiLiveStringsOverride): GeminiLiveStrings {
  const primary = (lang ?? '').toLowerCase().split(/[-_]/)[0];
  const base = builtInStrings[primary] ?? en;
  if (!overrides) return base;
  return {
    ...base,
    ...overrides,
    status: { ...base.status, ...overrides.status },
    errors: { ...base.errors, ...overrides.errors } as GeminiLiveStrings['errors'],
  };
}
