// Request paths in linear time. A backtracking regex over a path an attacker chooses is a CPU
// bomb: `/\/+$/` took ~0.55 s of CPU for '/a' + 40,000 slashes + 'x' (quadratic), and five at once
// held /healthz for 2.7 s (docs/security.md). These loops look at each character once.

/** Non-empty segments of `path` ('/a//b/' → ['a', 'b']): repeated and trailing slashes ignored. */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 0x2f) {
      if (i > start) out.push(path.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** `path` without its trailing slashes ('/a//' → '/a', '///' → ''). */
export function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  return path.slice(0, end);
}
