import { modelApiPath } from "../data/live";

export function modelPagePath(name: string): string {
  return `/models/${modelApiPath(name)}`;
}
