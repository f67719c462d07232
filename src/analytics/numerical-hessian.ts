/**
 * The Hessian of `f` at `x` by central finite differences, with a relative step
 * (h_i = step × max(|x_i|, 1e-3)). Four evaluations per off-diagonal entry.
 *
 * @example
 * ```ts
 * numericalHessian(([x = 0, y = 0]) => x * x * y + 3 * y * y, [1, 2]);
 * // ≈ [[4, 2], [2, 6]]
 * ```
 */
export function numericalHessian(
  f: (x: readonly number[]) => number,
  x: readonly number[],
  step = 1e-4,
): number[][] {
  const n = x.length;
  const h = x.map((v) => step * Math.max(Math.abs(v), 1e-3));
  const at = (changes: readonly (readonly [number, number])[]): number => {
    const point = x.slice();
    for (const [i, d] of changes) point[i] = (point[i] as number) + d;
    return f(point);
  };
  const f0 = f(x);
  const hessian: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    const hi = h[i] as number;
    const row = hessian[i] as number[];
    row[i] = (at([[i, hi]]) - 2 * f0 + at([[i, -hi]])) / (hi * hi);
    for (let j = 0; j < i; j += 1) {
      const hj = h[j] as number;
      const value =
        (at([[i, hi], [j, hj]]) - at([[i, hi], [j, -hj]]) - at([[i, -hi], [j, hj]]) + at([[i, -hi], [j, -hj]])) /
        (4 * hi * hj);
      row[j] = value;
      (hessian[j] as number[])[i] = value;
    }
  }
  return hessian;
}

/**
 * The inverse of a symmetric positive-definite matrix by Cholesky decomposition, or `null` when
 * the matrix is not positive definite (or not finite): the usual sign that a fitted
 * log-likelihood's Hessian gives no usable standard errors.
 *
 * @example
 * ```ts
 * invertPositiveDefinite([[4, 2], [2, 3]]); // [[0.375, -0.25], [-0.25, 0.5]]
 * ```
 */
export function invertPositiveDefinite(matrix: readonly (readonly number[])[]): number[][] | null {
  const n = matrix.length;
  const lower: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = (matrix[i] as readonly number[])[j] as number;
      for (let k = 0; k < j; k += 1) sum -= ((lower[i] as number[])[k] as number) * ((lower[j] as number[])[k] as number);
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        (lower[i] as number[])[i] = Math.sqrt(sum);
      } else {
        (lower[i] as number[])[j] = sum / ((lower[j] as number[])[j] as number);
      }
    }
  }
  // Invert L, then A^-1 = L^-T L^-1.
  const inverseLower: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    (inverseLower[i] as number[])[i] = 1 / ((lower[i] as number[])[i] as number);
    for (let j = 0; j < i; j += 1) {
      let sum = 0;
      for (let k = j; k < i; k += 1) sum -= ((lower[i] as number[])[k] as number) * ((inverseLower[k] as number[])[j] as number);
      (inverseLower[i] as number[])[j] = sum / ((lower[i] as number[])[i] as number);
    }
  }
  const inverse: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = 0;
      for (let k = i; k < n; k += 1) sum += ((inverseLower[k] as number[])[i] as number) * ((inverseLower[k] as number[])[j] as number);
      (inverse[i] as number[])[j] = sum;
      (inverse[j] as number[])[i] = sum;
    }
  }
  return inverse;
}
