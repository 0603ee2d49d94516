// The workflow bundle's root: only workflow functions are exported here.
export { archiveFleet } from './archive-fleet';
export { archiveDatabase } from './archive-database';
export { restoreTable } from './restore-table';
export { verifyArchive } from './verify-archive';
