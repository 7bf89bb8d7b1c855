import { describe, expect, it } from 'vitest';
import {
  findLinks,
  isLinkToken,
  MAX_URL_LENGTH,
  newLinkToken,
  redirectTarget,
  rewriteLinks,
  trackedLinkUrl,
} from '../../src/sending/link-rewrite.js';

// Issue 8 acceptance 4 (the pure part): every http(s) URL of a text is found and rewritten; nothing else is.

const urls = (text: string) => findLinks(text).map((l) => l.url);

describe('findLinks', () => {
  it.each([
    ['See https://example.com', ['https://example.com']],
    ['See http://example.com/a/b.html now', ['http://example.com/a/b.html']],
    ['Ends a sentence: https://example.com/path.', ['https://example.com/path']],
    ['Comma, https://example.com/x, then more', ['https://example.com/x']],
    ['Wow https://example.com/deal!', ['https://example.com/deal']],
    ['Really https://example.com/faq?', ['https://example.com/faq']],
    ['Stacked https://example.com/a?!.', ['https://example.com/a']],
    ['Query https://shop.example.com/p?id=42&ref=wa#reviews.', ['https://shop.example.com/p?id=42&ref=wa#reviews']],
    ['Query ending in ? kept inside: https://x.test/search?q=a?b', ['https://x.test/search?q=a?b']],
    ['(see https://example.com/info)', ['https://example.com/info']],
    ['(see https://example.com/info).', ['https://example.com/info']],
    ['Wiki https://en.wikipedia.org/wiki/Bracket_(disambiguation) today', ['https://en.wikipedia.org/wiki/Bracket_(disambiguation)']],
    ['(Wiki https://en.wikipedia.org/wiki/Bracket_(disambiguation))', ['https://en.wikipedia.org/wiki/Bracket_(disambiguation)']],
    ['[link](https://example.com/md)', ['https://example.com/md']],
    ['"https://example.com/quoted"', ['https://example.com/quoted']],
    ["'https://example.com/single'", ['https://example.com/single']],
    ['<https://example.com/angle>', ['https://example.com/angle']],
    ['*https://example.com/bold*', ['https://example.com/bold']],
    ['_https://example.com/italic_', ['https://example.com/italic']],
    ['Port and user https://user:pw@example.com:8443/x', ['https://user:pw@example.com:8443/x']],
    ['IPv6 http://[::1]:8080/health', ['http://[::1]:8080/health']],
    ['Encoded https://example.com/a%20b?x=%C3%A9', ['https://example.com/a%20b?x=%C3%A9']],
    ['IRI https://de.wikipedia.org/wiki/Äpfel ok', ['https://de.wikipedia.org/wiki/Äpfel']],
    ['Case HTTPS://EXAMPLE.COM/UP', ['HTTPS://EXAMPLE.COM/UP']],
    ['Two https://a.test and http://b.test/x.', ['https://a.test', 'http://b.test/x']],
    ['Newline https://a.test/x\nnext line', ['https://a.test/x']],
    ['Glued text:https://a.test/x', ['https://a.test/x']],
    ['Emoji after https://a.test/x😀 yes', ['https://a.test/x']],
  ])('%j', (text, expected) => {
    expect(urls(text)).toEqual(expected);
  });

  it.each([
    ['not a link: example.com'],
    ['mailto:someone@example.com'],
    ['javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['ftp://files.example.com/x'],
    ['scheme only https:// here'],
    ['bad host https://:80/x'],
    ['embedded xhttps://example.com'],
    ['myhttp://example.com'],
    [''],
  ])('no link in %j', (text) => {
    expect(findLinks(text)).toEqual([]);
  });

  it('reports exact offsets', () => {
    const text = 'A https://a.test/x. B (http://b.test)';
    for (const link of findLinks(text)) expect(text.slice(link.start, link.end)).toBe(link.url);
    expect(findLinks(text).map((l) => l.start)).toEqual([2, 23]);
  });

  it(`leaves URLs over ${MAX_URL_LENGTH} characters alone`, () => {
    expect(findLinks(`https://a.test/${'x'.repeat(MAX_URL_LENGTH)}`)).toEqual([]);
  });
});

describe('rewriteLinks', () => {
  it('replaces each URL, calling makeUrl once per distinct URL in order of first appearance', () => {
    const calls: Array<[string, number]> = [];
    const { text, links } = rewriteLinks('A https://a.test/1, B https://b.test/2 and A again: https://a.test/1.', (url, i) => {
      calls.push([url, i]);
      return `https://t.test/l/tok${i}`;
    });
    expect(text).toBe('A https://t.test/l/tok0, B https://t.test/l/tok1 and A again: https://t.test/l/tok0.');
    expect(calls).toEqual([
      ['https://a.test/1', 0],
      ['https://b.test/2', 1],
    ]);
    expect(links).toEqual([
      { original: 'https://a.test/1', replacement: 'https://t.test/l/tok0', occurrences: 2 },
      { original: 'https://b.test/2', replacement: 'https://t.test/l/tok1', occurrences: 1 },
    ]);
  });

  it('keeps the surrounding text, punctuation and other schemes as they are', () => {
    const input = 'Mail mailto:a@b.test, run javascript:alert(1), see (https://x.test/a_(b)). Done!';
    const { text, links } = rewriteLinks(input, () => 'https://t.test/l/T');
    expect(text).toBe('Mail mailto:a@b.test, run javascript:alert(1), see (https://t.test/l/T). Done!');
    expect(links.map((l) => l.original)).toEqual(['https://x.test/a_(b)']);
  });

  it('text without links comes back unchanged and makeUrl is never called', () => {
    const { text, links } = rewriteLinks('nothing to see', () => {
      throw new Error('must not be called');
    });
    expect(text).toBe('nothing to see');
    expect(links).toEqual([]);
  });

  it('returning the original leaves a URL untracked (and out of links)', () => {
    const { text, links } = rewriteLinks('https://keep.test and https://track.test', (url) =>
      url.includes('keep') ? url : 'https://t.test/l/X',
    );
    expect(text).toBe('https://keep.test and https://t.test/l/X');
    expect(links.map((l) => l.original)).toEqual(['https://track.test']);
  });

  it('rewrites with real tokens into PUBLIC_URL/l/<token>', () => {
    const { text, links } = rewriteLinks('Go https://shop.test/sale', () => trackedLinkUrl('https://wcs.example.com/', newLinkToken()));
    expect(text).toMatch(/^Go https:\/\/wcs\.example\.com\/l\/[A-Za-z0-9_-]{24}$/);
    expect(isLinkToken(links[0]!.replacement.split('/l/')[1]!)).toBe(true);
  });
});

describe('tokens and redirect targets', () => {
  it('newLinkToken: 18 random bytes as 24 base64url characters, never repeating', () => {
    const tokens = new Set(Array.from({ length: 5_000 }, newLinkToken));
    expect(tokens.size).toBe(5_000);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(18);
    }
  });

  it('isLinkToken accepts only the token shape', () => {
    expect(isLinkToken(newLinkToken())).toBe(true);
    for (const bad of ['', 'short', 'x'.repeat(25), `${'x'.repeat(23)}/`, `${'x'.repeat(23)}=`, '../../../etc/passwd12345']) {
      expect(isLinkToken(bad)).toBe(false);
    }
  });

  it('trackedLinkUrl joins without a double slash', () => {
    expect(trackedLinkUrl('https://wcs.example.com', 'T')).toBe('https://wcs.example.com/l/T');
    expect(trackedLinkUrl('https://wcs.example.com//', 'T')).toBe('https://wcs.example.com/l/T');
  });

  it('redirectTarget gives an ASCII Location for http(s) URLs and null for anything else', () => {
    expect(redirectTarget('https://bücher.test/Äpfel?q=ü')).toBe('https://xn--bcher-kva.test/%C3%84pfel?q=%C3%BC');
    expect(redirectTarget('https://example.com/a?b=1#c')).toBe('https://example.com/a?b=1#c');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', '//evil.test/x', '/relative', 'mailto:a@b.test', 'not a url']) {
      expect(redirectTarget(bad)).toBeNull();
    }
  });
});
