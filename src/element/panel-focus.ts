/**
 * Floating layout: opening the panel moves focus to its start/stop toggle; closing it while focus is inside
 * returns focus to the launcher, so keyboard users never lose their place.
 */
export function followPanelFocus(root: ShadowRoot | null, open: boolean): void {
  if (!root) return;
  if (open) root.querySelector<HTMLElement>('[part~="toggle"]')?.focus();
  else if (root.activeElement) root.querySelector<HTMLElement>('[part~="launcher"]')?.focus();
}
