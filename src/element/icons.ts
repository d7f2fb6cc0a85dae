import { svg } from 'lit';

/** Small inline icons (Material Symbols geometry, redrawn as plain paths). */
export const micIcon = svg`<path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.93V21h2v-3.07A7 7 0 0 0 19 11h-2Z"/>`;
export const micOffIcon = svg`<path d="M19 11h-2a5 5 0 0 1-.78 2.67l1.45 1.45A6.96 6.96 0 0 0 19 11Zm-4 .17V5a3 3 0 0 0-5.94-.6L15 10.34v.83ZM4.27 3 3 4.27l6 6V11a3 3 0 0 0 4.52 2.58l1.52 1.52A4.99 4.99 0 0 1 7 11H5a7 7 0 0 0 6 6.93V21h2v-3.07a6.9 6.9 0 0 0 3.5-1.43L19.73 21 21 19.73 4.27 3Z"/>`;
export const stopIcon = svg`<path d="M7 7h10v10H7z"/>`;
export const closeIcon = svg`<path d="M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z"/>`;
export const cameraIcon = svg`<path d="M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4Z"/>`;
export const screenIcon = svg`<path d="M20 18a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2H0v2h24v-2h-4ZM4 6h16v10H4V6Z"/>`;
export const downloadIcon = svg`<path d="M11 4h2v8.17l3.59-3.58L18 10l-6 6-6-6 1.41-1.41L11 12.17V4ZM5 18h14v2H5v-2Z"/>`;
export const chatIcon = svg`<path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H7l-5 4V6a2 2 0 0 1 2-2Zm0 2v11.84L6.3 16H20V6H4Zm3 3h10v2H7V9Zm0 3h7v2H7v-2Z"/>`;
export const sendIcon = svg`<path d="M3 20V4l19 8-19 8Zm2-3 11.85-5L5 7v3.5l6 1.5-6 1.5V17Z"/>`;
export const tuneIcon = svg`<path d="M3 17h6v2H3v-2ZM3 5h10v2H3V5Zm10 16v-2h8v-2h-8v-2h-2v6h2ZM7 9v2H3v2h4v2h2V9H7Zm14 4v-2H11v2h10Zm-6-4h2V7h4V5h-4V3h-2v6Z"/>`;
