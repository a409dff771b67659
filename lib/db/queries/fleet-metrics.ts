import "server-only";
import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "../client";

export interface FleetFigures {
  nodes: number;
  onlineNodes: number;
  models: number;
  /** Per model (the first `limit` by name): online nodes that report it ready, downloading or failed. */
  modelNodes: { model: string; ready: number; downloading: number; error: number }[];
  /** Per node (the first `limit` by name): bytes_done over its downloading and ready states. */
  nodeBytes: { node: string; bytes: number }[];
}

type CountsRow = { nodes: number; online: number; models: number };
type ModelRow = { name: string; ready: number; downloading: number; error: number };
type NodeRow = { name: string; bytes: string | number };

/**
 * What a metrics scrape shows of the fleet, counted by the database. Online is decided
 * from last_seen_at at read time, as everywhere else. Each labelled list is bounded by
 * `limit`, so a scrape's size does not grow without end with the registry.
 */
export async function getFleetFigures({
  offlineAfterSeconds,
  limit,
}: {
  offlineAfterSeconds: number;
  limit: number;
}): Promise<FleetFigures> {
  const { db } = await getDb();
  const online = sql`select id from nodes where last_seen_at > now() - make_interval(secs => ${offlineAfterSeconds})`;
  const counts = await db.execute<CountsRow>(sql`
    select (select count(*) from nodes)::int as nodes,
      (select count(*) from (${online}) o)::int as online,
      (select count(*) from models)::int as models
  `);
  const models = await db.execute<ModelRow>(sql`
    select m.name,
      (count(s.node_id) filter (where s.state = 'ready'))::int as ready,
      (count(s.node_id) filter (where s.state = 'downloading'))::int as downloading,
      (count(s.node_id) filter (where s.state = 'error'))::int as error
    from (select id, name from models order by name limit ${limit}) m
    left join node_model_states s on s.model_id = m.id and s.node_id = any(array(${online}))
    group by m.name
    order by m.name
  `);
  // A ready state may carry no byte count (older agents): all of bytes_total was downloaded.
  const nodes = await db.execute<NodeRow>(sql`
    select n.name,
      coalesce(sum(coalesce(s.bytes_done, case when s.state = 'ready' then s.bytes_total end))
        filter (where s.state in ('downloading', 'ready')), 0)::text as bytes
    from (select id, name from nodes order by lower(name) limit ${limit}) n
    left join node_model_states s on s.node_id = n.id
    group by n.name
    order by n.name
  `);
  const [count] = rowsOf<CountsRow>(counts);
  return {
    nodes: Number(count?.nodes ?? 0),
    onlineNodes: Number(count?.online ?? 0),
    models: Number(count?.models ?? 0),
    modelNodes: rowsOf<ModelRow>(models).map((r) => ({
      model: r.name,
      ready: Number(r.ready),
      downloading: Number(r.downloading),
      error: Number(r.error),
    })),
    nodeBytes: rowsOf<NodeRow>(nodes).map((r) => ({ node: r.name, bytes: Number(r.bytes) })),
  };
}
