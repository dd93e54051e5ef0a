// Just enough glob for document sources: `*`, `?` and `**` path segments.
// Node 20 has no fs.glob, and a dependency for this is not worth it.

const MAGIC = /[*?[]/;

/** The directory to walk (the pattern's leading literal segments) and the rest as a pattern relative to it. */
export function splitGlob(pattern: string): { base: string; rest: string } {
  const parts = pattern.split('/');
  const firstMagic = parts.findIndex((p) => MAGIC.test(p));
  if (firstMagic === -1) return { base: parts.slice(0, -1).join('/') || '.', rest: parts[parts.length - 1] ?? '' };
  const base = parts.slice(0, firstMagic).join('/');
  return { base: base === '' ? (pattern.startsWith('/') ? '/' : '.') : base, rest: parts.slice(firstMagic).join('/') };
}

export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
