import { gradlabError } from '../core/errors.js'
import { type CentralDifference, RichardsonTableau } from './richardson.js'
import { type Scheme, stepFor } from './step.js'

/*
 * Difference quotients of F: R^n -> R^m along a line x + t d, for all m
 * outputs at once. The buffers they need are made once per call, and the
 * point is moved in place; F never sees it, only a copy per evaluation (see
 * `own` in index.ts), so nothing F does to its input can move the point.
 */

export interface Settings {
  readonly scheme: Scheme
  readonly step: number | undefined
  /** The call, for error messages. */
  readonly label: string
}

/** Writes F at `x` into `into`, whose length is the number of outputs. */
export type EvaluateInto = (x: readonly number[], into: Float64Array) => void

/**
 * A line x + t d through the point. Positions along it are numbers whose
 * differences are the exact distances moved: the coordinate's value for a
 * coordinate line, t for a direction.
 */
export interface Line {
  readonly point: readonly number[]
  /** Moves the point to x + t d; returns its position. */
  moveTo(t: number): number
  /** Moves the point back to x; returns its position. */
  reset(): number
}

/** The line along coordinate j of `x`, which it perturbs in place. */
export class CoordinateLine implements Line {
  private j = 0
  private xj = 0
  constructor(readonly point: number[]) {}

  along(j: number): this {
    this.j = j
    this.xj = this.point[j] as number
    return this
  }

  // Quotients divide by differences of the coordinate's values, such as
  // (x + h) - x, the distance it really moved (Numerical Recipes, eq. 5.7.4).
  moveTo(t: number): number {
    const moved = this.xj + t
    this.point[this.j] = moved
    return moved
  }

  reset(): number {
    this.point[this.j] = this.xj
    return this.xj
  }
}

/** The line x + t v, moving a copy of x. */
export class DirectionLine implements Line {
  readonly point: number[]
  constructor(
    private readonly x: Float64Array,
    private readonly v: Float64Array,
  ) {
    this.point = Array.from(x)
  }

  moveTo(t: number): number {
    for (let i = 0; i < this.point.length; i++) {
      this.point[i] = (this.x[i] as number) + t * (this.v[i] as number)
    }
    return t
  }

  reset(): number {
    for (let i = 0; i < this.point.length; i++) this.point[i] = this.x[i] as number
    return 0
  }
}

/** Derivatives along lines by the scheme of `settings`, with F(x) = `atX` already known. */
export class Differences {
  private readonly plus: Float64Array
  private readonly minus: Float64Array
  private readonly tableau: RichardsonTableau | undefined

  constructor(
    private readonly settings: Settings,
    private readonly evaluate: EvaluateInto,
    private readonly atX: Float64Array,
  ) {
    this.plus = new Float64Array(atX.length)
    this.minus = new Float64Array(atX.length)
    this.tableau =
      settings.scheme === 'richardson'
        ? new RichardsonTableau(atX.length, settings.label, atX)
        : undefined
  }

  /** The default step at a point whose relevant scale is |x|. */
  step(x: number): number {
    return stepFor(x, this.settings.scheme, this.settings.step)
  }

  /** d/dt F(x + t d) at t = 0 into `into`, with first step h; the point is left at x. */
  derivative(line: Line, h: number, into: Float64Array): void {
    if (this.tableau !== undefined) {
      const central: CentralDifference = (step, out) => this.central(line, step, out)
      this.tableau.extrapolate(h, central, into)
    } else if (this.settings.scheme === 'forward') {
      const up = line.moveTo(h)
      this.evaluate(line.point, this.plus)
      const width = this.checkedWidth(up - line.reset(), h)
      for (let i = 0; i < into.length; i++) {
        into[i] = ((this.plus[i] as number) - (this.atX[i] as number)) / width
      }
    } else this.central(line, h, into)
  }

  /** The distance the point moved, which a step below the spacing of doubles at x leaves at 0. */
  private checkedWidth(width: number, h: number): number {
    if (width !== 0) return width
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_STEP_TOO_SMALL',
      `${this.settings.label}: the step ${h} is too small to move x in floating point (x + h == x), so the difference quotient would be 0 / 0. Use a step of at least about 1e-15 max(1, |x|), or the default.`,
    )
  }

  private central(line: Line, h: number, into: Float64Array): void {
    const up = line.moveTo(h)
    this.evaluate(line.point, this.plus)
    const down = line.moveTo(-h)
    this.evaluate(line.point, this.minus)
    line.reset()
    const width = this.checkedWidth(up - down, h)
    for (let i = 0; i < into.length; i++) {
      into[i] = ((this.plus[i] as number) - (this.minus[i] as number)) / width
    }
  }
}
