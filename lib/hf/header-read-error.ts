/** Why a weight header could not be read: said to people as "fit unknown: {reason}" (docs/fit.md). */
export class HeaderReadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "HeaderReadError";
  }
}
