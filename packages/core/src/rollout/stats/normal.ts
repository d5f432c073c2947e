/**
 * The standard normal distribution function: Hart's (1968) rational approximation as given by
 * West, "Better approximations to cumulative normal functions" (2005), for |x| < 2, and
 * Laplace's continued fraction for the Mills ratio beyond, so that tail probabilities keep
 * their relative accuracy.
 */
/** Beyond this, the continued fraction is more accurate (relative error near 1e-15). */
const SPLIT = 2;
const SQRT_2PI = 2.506628274631;
const NUMERATOR = [
  3.52624965998911e-2, 0.700383064443688, 6.37396220353165, 33.912866078383, 112.079291497871,
  221.213596169931, 220.206867912376,
] as const;
const DENOMINATOR = [
  8.83883476483184e-2, 1.75566716318264, 16.064177579207, 86.7807322029461, 296.564248779674,
  637.333633378831, 793.826512519948, 440.413735824752,
] as const;

function horner(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (const c of coefficients) sum = sum * x + c;
  return sum;
}

/** Laplace's continued fraction x + 1/(x + 2/(x + 3/(x + ...))), evaluated from the tail. */
function millsFraction(x: number): number {
  let fraction = x;
  for (let k = 150; k >= 1; k -= 1) fraction = x + k / fraction;
  return fraction;
}

/** P(Z <= -|x|): the lower tail at minus the absolute value. */
function tail(x: number): number {
  const a = Math.abs(x);
  if (a > 37) return 0;
  const density = Math.exp((-a * a) / 2);
  if (a < SPLIT) return (density * horner(NUMERATOR, a)) / horner(DENOMINATOR, a);
  return density / millsFraction(a) / SQRT_2PI;
}

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x > 0 ? 1 - tail(x) : tail(x);
}

/** P(Z >= x) for a standard normal Z, accurate far into the upper tail. */
export function normalUpperTail(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x > 0 ? tail(x) : 1 - tail(x);
}
