/**
 * Fresh vendor ids: every scenario asks ids no earlier request asked, so neither the answer
 * cache nor the in-flight table hides a vendor call. Every id is one the simulators know
 * (none ends in 404; no Alibaba id ends in 0, which the simulator treats as "pushed today").
 */
let jpushNext = 0n;
let tencentNext = 0;
let aliyunNext = 0n;

function take(count: number, next: () => string, usable: (id: string) => boolean): string[] {
  const ids: string[] = [];
  while (ids.length < count) {
    const id = next();
    if (usable(id)) ids.push(id);
  }
  return ids;
}

/** JPush msg_ids above 2^53 (20 digits), so they only survive as strings. */
export function jpushIds(count: number): string[] {
  return take(count, () => String(18_000_000_000_000_000_000n + jpushNext++), (id) => !id.endsWith('404'));
}

export function tencentIds(count: number): string[] {
  return take(count, () => `bench-task-${tencentNext++}`, () => true);
}

/** Alibaba MessageIds: 19 digits, below 2^63. */
export function aliyunIds(count: number): string[] {
  return take(count, () => String(5_100_000_000_000_000_000n + aliyunNext++), (id) => !id.endsWith('404') && !id.endsWith('0'));
}
