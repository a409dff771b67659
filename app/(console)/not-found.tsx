import { NotFoundMessage } from "@/components/layout/not-found-message";

// An unknown model or node: the same page as an unknown path (app/not-found.tsx), inside the console's layout.
export default function NotFound() {
  return <NotFoundMessage />;
}
