/** How long one look at the replica may take to connect; the check is repeated anyway. */
export const REPLICA_CONNECT_TIMEOUT_MS = 5_000;

/** A replica that accepted the connection and then stopped answering reads as unreachable after this long. */
export const REPLICA_QUERY_TIMEOUT_MS = 10_000;
