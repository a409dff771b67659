import type { KeyedMutator } from "swr";

type Answer = { ok: true } | { ok: false; error: string };

class ActionRefused extends Error {}

/**
 * Take an item out of a live list at once, then run the server action that removes it;
 * when the server refuses (or cannot be reached) SWR puts the item back. Either way the
 * list is fetched again, and the answer says how it went, in the server's words.
 */
export async function removeOptimistically<List>(
  mutate: KeyedMutator<List>,
  without: (current: List | undefined) => List,
  action: () => Promise<Answer>,
): Promise<Answer> {
  try {
    await mutate(
      async (current) => {
        const answer = await action();
        if (!answer.ok) throw new ActionRefused(answer.error);
        return without(current);
      },
      { optimisticData: without, rollbackOnError: true, revalidate: true },
    );
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
