// A shields-style badge (`/badge.svg`, SPEC §13) for READMEs and channel descriptions: a label and
// a value, widths from an approximate Verdana 11 px advance so no font has to be measured.
const CHAR_WIDTH = 6.6;
const PAD = 10;

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type BadgeTone = 'up' | 'down' | 'flat';
const COLOURS: Record<BadgeTone, string> = { up: '#2f9e44', down: '#c92a2a', flat: '#6c757d' };

export function badgeSvg(label: string, value: string, tone: BadgeTone): string {
  const lw = Math.round(label.length * CHAR_WIDTH + PAD * 2);
  const vw = Math.round(value.length * CHAR_WIDTH + PAD * 2);
  const w = lw + vw;
  const [l, v] = [escapeXml(label), escapeXml(value)];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${v}">` +
    `<title>${l}: ${v}</title>` +
    `<rect width="${lw}" height="20" fill="#343a40"/><rect x="${lw}" width="${vw}" height="20" fill="${COLOURS[tone]}"/>` +
    `<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">` +
    `<text x="${lw / 2}" y="14">${l}</text><text x="${lw + vw / 2}" y="14">${v}</text></g></svg>`
  );
}
