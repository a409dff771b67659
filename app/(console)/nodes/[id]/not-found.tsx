import Link from "next/link";
import { NotFoundMessage, notFoundLink } from "@/components/layout/not-found-message";

export default function NodeNotFound() {
  return (
    <NotFoundMessage heading="Node not found" title="No node has this id">
      It may have been forgotten; a node that is still running appears again at its next announcement, with a new id.{" "}
      <Link href="/nodes" className={notFoundLink}>
        See all nodes
      </Link>
    </NotFoundMessage>
  );
}
