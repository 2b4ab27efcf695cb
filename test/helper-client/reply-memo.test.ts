// Replies decoded only when their bytes change: the memo on its own (the
// real helper's side is in test/integration/reply-memo.test.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplyMemo } from '../../src/helper-client/reply-memo';

describe('ReplyMemo', () => {
  const decodeJson = (bytes: Buffer) => JSON.parse(bytes.toString()) as { a: { b: number[] } };

  it('hands back the same frozen object while the bytes repeat, and decodes anew when they change', () => {
    const memo = new ReplyMemo();
    let decodes = 0;
    const decode = (bytes: Buffer) => {
      decodes++;
      return decodeJson(bytes);
    };
    const first = memo.decode('k', Buffer.from('{"a":{"b":[1,2]}}'), decode);
    const again = memo.decode('k', Buffer.from('{"a":{"b":[1,2]}}'), decode);
    assert.equal(again, first);
    assert.equal(decodes, 1);
    const changed = memo.decode('k', Buffer.from('{"a":{"b":[1,3]}}'), decode) as { a: { b: number[] } };
    assert.notEqual(changed, first);
    assert.deepEqual(changed.a.b, [1, 3]);
    assert.equal(decodes, 2);
    assert.deepEqual([memo.hits, memo.misses], [1, 2]);
  });

  it('freezes the decoded reply all the way down, so no caller can change what the next cycle gets', () => {
    const memo = new ReplyMemo();
    const value = memo.decode('k', Buffer.from('{"a":{"b":[1,2]}}'), decodeJson) as { a: { b: number[] } };
    assert.throws(() => value.a.b.push(3), TypeError);
    assert.throws(() => {
      value.a.b[0] = 9;
    }, TypeError);
    assert.deepEqual(value.a.b, [1, 2]);
  });

  it('keeps the bytes it compares with: the caller may reuse its buffer', () => {
    const memo = new ReplyMemo();
    const bytes = Buffer.from('{"a":{"b":[1]}}');
    const first = memo.decode('k', bytes, decodeJson);
    bytes.write('{"a":{"b":[7]}}');
    const second = memo.decode('k', bytes, decodeJson) as { a: { b: number[] } };
    assert.notEqual(second, first);
    assert.deepEqual(second.a.b, [7]);
  });

  it('remembers each request apart, and only a few of them', () => {
    const memo = new ReplyMemo();
    const bytes = Buffer.from('{"a":{"b":[]}}');
    const values = Array.from({ length: 9 }, (_, i) => memo.decode(`k${i}`, bytes, decodeJson));
    // k0 was the oldest of nine: forgotten, decoded again; k8 is remembered.
    assert.notEqual(memo.decode('k0', bytes, decodeJson), values[0]);
    assert.equal(memo.decode('k8', bytes, decodeJson), values[8]);
  });
});
