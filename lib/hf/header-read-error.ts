/** Why a weight header could not be read: said to people as "fit unknown: {reason}" (docs/fit.md). */
export class HeaderReadError extends Error {
  /**
   * `transient`: it may read another time (the Hub down or slow, a token refused); a lasting
   * failure (a broken header, a cap) is kept with the commit and not read again.
   */
  constructor(
    readonly reason: string,
    readonly transient = false,
  ) {
    super(reason);
    this.name = "HeaderReadError";
  }
}
