import { describe, expect, it } from 'vitest';
import { duplicateKey } from '../../server/http/json-body';

describe('duplicateKey', () => {
  it('finds a key named twice in one object, at any depth, whatever its escapes', () => {
    expect(duplicateKey('{"a":1,"a":2}')).toBe('a');
    expect(duplicateKey('{"x":{"b":[1,{"c":1,"c":2}]}}')).toBe('c');
    expect(duplicateKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(duplicateKey('{"a\\\\":1,"a\\\\":2}')).toBe('a\\');
    expect(duplicateKey('{"s":"x\\"{\\"s\\":1","s":2}')).toBe('s');
  });

  it('lets equal keys of sibling objects, keys repeated as values and strings full of braces pass', () => {
    expect(duplicateKey('{"a":{"k":1},"b":{"k":1}}')).toBeUndefined();
    expect(duplicateKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(duplicateKey('{"a":"a","b":["a","a"]}')).toBeUndefined();
    expect(duplicateKey('{"a":"{\\"a\\":1,\\"a\\":2}"}')).toBeUndefined();
    expect(duplicateKey('"a"')).toBeUndefined();
  });

  it('leaves text that is not JSON to the parser', () => {
    expect(duplicateKey('{"a":1,"a')).toBeUndefined();
    expect(duplicateKey('{"a":1,"\\x":2,"\\x":3}')).toBeUndefined();
  });
});
