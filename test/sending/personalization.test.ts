import { describe, expect, it } from 'vitest';
import {
  compilePersonalization,
  listPlaceholders,
  PersonalizationError,
  renderPersonalization,
  renderPersonalizationAll,
} from '../../src/sending/personalization.js';

// Issue 8 acceptance 3: personalization with values, defaults and a missing path; no code execution.

const profile = {
  firstName: 'Ada',
  lastName: '',
  age: 36,
  ratio: 0.5,
  vip: true,
  optedOut: false,
  nothing: null,
  address: { city: 'London', zip: { code: 'N1' } },
  tags: ['a', 'b'],
  tricky: '{{profile.firstName}} and {{ constructor }}',
};

function errorOf(run: () => unknown): PersonalizationError {
  try {
    run();
  } catch (e) {
    if (e instanceof PersonalizationError) return e;
    throw e;
  }
  throw new Error('expected a PersonalizationError');
}

describe('renderPersonalization: values', () => {
  it.each([
    ['Hi {{profile.firstName}}!', 'Hi Ada!'],
    ['Hi {{ profile.firstName }}!', 'Hi Ada!'],
    ['Hi {{\tprofile.firstName\n}}!', 'Hi Ada!'],
    ['{{profile.address.city}}/{{profile.address.zip.code}}', 'London/N1'],
    ['Age {{profile.age}}, ratio {{profile.ratio}}', 'Age 36, ratio 0.5'],
    ['VIP: {{profile.vip}}, out: {{profile.optedOut}}', 'VIP: true, out: false'],
    ['{{profile.firstName}}{{profile.firstName}}', 'AdaAda'],
    ['no placeholders at all', 'no placeholders at all'],
    ['', ''],
    ['single { braces } and }} closers stay', 'single { braces } and }} closers stay'],
  ])('%j -> %j', (text, expected) => {
    expect(renderPersonalization(text, profile)).toBe(expected);
  });

  it('returns text without {{ unchanged, whatever the attributes', () => {
    const text = 'Plain text with a } and a {';
    expect(renderPersonalization(text, null)).toBe(text);
    expect(renderPersonalization(text, 'not an object')).toBe(text);
  });

  it('never renders {{ inside a value again (single pass): values are data, not templates', () => {
    expect(renderPersonalization('>{{profile.tricky}}<', profile)).toBe('>{{profile.firstName}} and {{ constructor }}<');
    expect(renderPersonalization('{{profile.x | default: "{{profile.firstName}}"}}', profile)).toBe('{{profile.firstName}}');
  });

  it('reads own attributes only: prototype names are missing, not functions', () => {
    const e = errorOf(() => renderPersonalization('{{profile.constructor}} {{profile.__proto__}} {{profile.toString}}', {}));
    expect(e.paths).toEqual(['constructor', '__proto__', 'toString']);
  });
});

describe('renderPersonalization: defaults', () => {
  it.each([
    ['Hi {{profile.nickname | default: "there"}}!', 'Hi there!'],
    ["Hi {{profile.nickname|default:'there'}}!", 'Hi there!'],
    ['Hi {{  profile.nickname  |  default  :  "there"  }}!', 'Hi there!'],
    ['Hi {{profile.nothing | default: "null falls back"}}', 'Hi null falls back'],
    ['Hi {{profile.lastName | default: "empty falls back"}}', 'Hi empty falls back'],
    ['Hi {{profile.firstName | default: "unused"}}', 'Hi Ada'],
    ['Hi {{profile.age | default: "0"}}', 'Hi 36'],
    ['{{profile.x | default: ""}}|', '|'],
    ['{{profile.x | default: "say \\"hi\\""}}', 'say "hi"'],
    ["{{profile.x | default: 'it\\'s'}}", "it's"],
    ['{{profile.x | default: "it\'s"}}', "it's"],
    ['{{profile.x | default: "back\\\\slash"}}', 'back\\slash'],
    ['{{profile.x | default: "two\\nlines"}}', 'two\nlines'],
    ['{{profile.x | default: "C:\\dir"}}', 'C:\\dir'],
    ['{{profile.x | default: "braces }} inside"}}', 'braces }} inside'],
    ['{{profile.x | default: "| and : inside"}}', '| and : inside'],
    ['{{profile.missing.deep.path | default: "deep"}}', 'deep'],
    ['{{profile.firstName.more | default: "not an object on the way"}}', 'not an object on the way'],
  ])('%j -> %j', (text, expected) => {
    expect(renderPersonalization(text, profile)).toBe(expected);
  });

  it('an empty text renders as empty when there is no default', () => {
    expect(renderPersonalization('[{{profile.lastName}}]', profile)).toBe('[]');
  });
});

describe('renderPersonalization: problems', () => {
  it('a missing path without a default is a PersonalizationError listing every missing path once', () => {
    const e = errorOf(() =>
      renderPersonalization(
        '{{profile.nickname}} {{profile.nothing}} {{profile.nickname}} {{profile.a.b}} {{profile.x | default: "ok"}}',
        profile,
      ),
    );
    expect(e.paths).toEqual(['nickname', 'nothing', 'a.b']);
    expect(e.isSyntax).toBe(false);
    expect(e.problems.every((p) => p.kind === 'missing')).toBe(true);
    expect(e.message).toContain('the profile has no nickname for "{{profile.nickname}}"');
    expect(e.message).toContain('add | default: "…"');
  });

  it('objects and lists are not text values, even with a default', () => {
    const e = errorOf(() => renderPersonalization('{{profile.address}} {{profile.tags | default: "x"}} {{profile.gone}}', profile));
    expect(e.invalidPaths).toEqual(['address', 'tags']);
    expect(e.paths).toEqual(['gone']);
    expect(e.message).toContain('profile address is not a text value (it is an object)');
    expect(e.message).toContain('profile tags is not a text value (it is a list)');
  });

  it.each([
    ['{{firstName}}', 'expected "profile." followed by an attribute path'],
    ['{{ Profile.firstName }}', 'expected "profile."'],
    ['{{profile.}}', 'is not a valid attribute path'],
    ['{{profile.first name}}', 'expected "|"'],
    ['{{profile.1st}}', 'is not a valid attribute path'],
    ['{{profile.a..b}}', 'is not a valid attribute path'],
    ['{{profile.a.b.c.d.e.f.g.h.i.j.k}}', 'at most 10 segments'],
    ['{{profile.x | upcase}}', 'unknown filter "upcase"'],
    ['{{profile.x | default "a"}}', 'expected ":" after default'],
    ['{{profile.x | default: there}}', 'default needs a quoted text'],
    ['{{profile.x | default: "a" | default: "b"}}', 'unexpected text after the default value'],
    ['{{profile.x |}}', 'expected a filter name'],
    ['{{ }}', 'the placeholder is empty'],
    ['{{}}', 'the placeholder is empty'],
    ['{{profile.x + 1}}', 'unexpected "+"'],
    ['{{profile.x()}}', 'unexpected "("'],
    ['{{ process.exit(1) }}', 'unexpected "("'],
    ['{{ constructor.constructor("return 1")() }}', 'unexpected "("'],
    ['{{ this }}', 'expected "profile."'],
    ['{{{profile.x}}}', 'unexpected "{"'],
    ['Hi {{profile.firstName', '"{{" is not closed with "}}"'],
    ['Hi {{profile.x | default: "open}}', 'is not closed'],
  ])('%j is a syntax problem naming the placeholder (%s)', (text, detail) => {
    const e = errorOf(() => renderPersonalization(text, profile));
    expect(e.isSyntax).toBe(true);
    expect(e.paths).toEqual([]);
    expect(e.syntaxProblems).toHaveLength(1);
    const placeholder = e.syntaxProblems[0]!.placeholder;
    // The placeholder as written: from its "{{" through its "}}" (or to the end when unclosed).
    expect(placeholder).toBe(text.endsWith('}}}') ? text.slice(0, -1) : text.slice(text.indexOf('{{')));
    expect(e.message).toContain(detail);
    expect(e.message).toContain(JSON.stringify(placeholder));
  });

  it('reports every syntax problem of a text, and long placeholders are shortened in messages', () => {
    const long = `{{ ${'x'.repeat(200)} }}`;
    const e = errorOf(() => renderPersonalization(`{{a}} ok {{profile.firstName}} {{b}} ${long}`, profile));
    expect(e.syntaxProblems.map((p) => p.placeholder)).toEqual(['{{a}}', '{{b}}', `${long.slice(0, 79)}…`]);
    expect(e.message.length).toBeLessThan(1_000);
  });

  it('never executes anything: a hostile-looking text only ever yields text or a PersonalizationError', () => {
    const g = globalThis as { pwned?: boolean };
    for (const text of [
      '{{ profile.x | default: "${globalThis.pwned = true}" }}',
      "{{ profile.x | default: '`+(globalThis.pwned=true)+`' }}",
      '{{ globalThis.pwned = true }}',
      '{{ (() => { globalThis.pwned = true })() }}',
    ]) {
      try {
        renderPersonalization(text, {});
      } catch (e) {
        expect(e).toBeInstanceOf(PersonalizationError);
      }
    }
    expect(g.pwned).toBeUndefined();
    expect(renderPersonalization('{{ profile.x | default: "${1+1}" }}', {})).toBe('${1+1}');
  });
});

describe('listPlaceholders and compilePersonalization', () => {
  it('lists every placeholder with its path, default and position', () => {
    const text = 'Hi {{ profile.firstName | default: "there" }}, from {{profile.address.city}}.';
    const list = listPlaceholders(text);
    expect(list).toEqual([
      { raw: '{{ profile.firstName | default: "there" }}', path: 'firstName', defaultValue: 'there', start: 3, end: 45 },
      { raw: '{{profile.address.city}}', path: 'address.city', defaultValue: null, start: 52, end: 76 },
    ]);
    for (const p of list) expect(text.slice(p.start, p.end)).toBe(p.raw);
    expect(listPlaceholders('nothing here')).toEqual([]);
    expect(() => listPlaceholders('{{nope}}')).toThrow(PersonalizationError);
  });

  it('a compiled text renders for many profiles', () => {
    const compiled = compilePersonalization('Hi {{profile.name | default: "there"}}');
    expect(compiled.placeholders).toHaveLength(1);
    expect(['Ann', undefined, 'Bob'].map((name) => compiled.render(name ? { name } : {}))).toEqual(['Hi Ann', 'Hi there', 'Hi Bob']);
    expect(() => compilePersonalization('{{x}}')).toThrow(PersonalizationError);
  });

  it('renderPersonalizationAll renders several texts and reports the problems of all of them, with their index', () => {
    expect(renderPersonalizationAll(['{{profile.firstName}}', 'plain', '{{profile.age}}'], profile)).toEqual(['Ada', 'plain', '36']);
    const missing = errorOf(() => renderPersonalizationAll(['{{profile.a}}', 'ok', '{{profile.b}} {{profile.a}}'], profile));
    expect(missing.paths).toEqual(['a', 'b']);
    expect(missing.problems.map((p) => [p.path, p.source])).toEqual([
      ['a', 0],
      ['b', 2],
      ['a', 2],
    ]);
    const syntax = errorOf(() => renderPersonalizationAll(['{{profile.a}}', '{{oops}}'], profile));
    expect(syntax.isSyntax).toBe(true);
    expect(syntax.syntaxProblems[0]!.source).toBe(1);
  });
});
