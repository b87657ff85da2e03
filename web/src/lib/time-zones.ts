// The viewer's time zone and the zones the risk panel's selector offers.

/** The browser's zone, or UTC where the runtime does not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The zones the selector offers: the runtime's list when it has one, with the viewer's own and UTC first. */
export function timeZoneChoices(own: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([own, 'UTC', ...all])];
}
