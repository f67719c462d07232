import type { RuleStep } from './automation-rule.js';

/**
 * Where a step sits in a rule: indices into `steps`, through branches' `then` and `else`,
 * written `'2'`, `'3.then.0'`, `'3.else.1.then.0'`.
 *
 * @example
 * ```ts
 * stepAt(rule.steps, '3.then.0'); // the first step of the fourth step's then-branch
 * ```
 */
export function stepAt(steps: readonly RuleStep[], path: string): RuleStep | undefined {
  const parts = path.split('.');
  let list: readonly RuleStep[] | undefined = steps;
  let step: RuleStep | undefined;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (part === 'then' || part === 'else') {
      if (step?.kind !== 'branch') return undefined;
      list = part === 'then' ? step.then : step.else;
      continue;
    }
    step = list?.[Number(part)];
    if (step === undefined) return undefined;
  }
  return step;
}

/**
 * The path of the step after `path`: the next in its list, else the step after the branch
 * it sits in, else `undefined` (the rule ended).
 *
 * @example
 * ```ts
 * nextPath(steps, '3.then.1'); // '4' when the then-branch has two steps
 * ```
 */
export function nextPath(steps: readonly RuleStep[], path: string): string | undefined {
  const parts = path.split('.');
  for (;;) {
    const last = Number(parts[parts.length - 1]);
    parts[parts.length - 1] = String(last + 1);
    if (stepAt(steps, parts.join('.')) !== undefined) return parts.join('.');
    if (parts.length === 1) return undefined;
    parts.splice(parts.length - 2, 2); // leave the branch: back to the branch step itself
  }
}
