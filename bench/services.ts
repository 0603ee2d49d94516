import { join } from 'node:path';
import { pidFromFile, treeCpuS } from './proc';
import { SERVICES_HOME, type Engine } from './settings';

/** The service processes whose CPU the bench reads, found through the pid files scripts/services.sh writes. */

const RUN_DIR = join(SERVICES_HOME, 'run');

const PID_FILES = {
  postgres: join(SERVICES_HOME, 'data', 'postgres', 'postmaster.pid'),
  mariadb: join(RUN_DIR, 'mariadb.pid'),
  temporal: join(RUN_DIR, 'temporal.pid'),
  minio: join(RUN_DIR, 'minio.pid'),
} as const;

type Service = keyof typeof PID_FILES;

export function servicePid(service: Service): number {
  const pid = pidFromFile(PID_FILES[service]);
  if (pid === null)
    throw new Error(
      `cannot find the ${service} process (pid file ${PID_FILES[service]}): start the services with 'bash scripts/services.sh up'`,
    );
  return pid;
}

/** CPU seconds of the database server (all its processes, ended backends included). */
export function serverCpuS(engine: Engine): number {
  return treeCpuS(servicePid(engine));
}

/** CPU seconds of the Temporal dev server and of MinIO, which only db-archiver uses. */
export function infraCpuS(): { temporal: number; minio: number } {
  return { temporal: treeCpuS(servicePid('temporal')), minio: treeCpuS(servicePid('minio')) };
}
