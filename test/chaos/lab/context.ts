import { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { S3_ENV } from '../../helpers/services';
import { ensureLab, LAB, PROXIES, S3_FAULT_PROXY_PORT, toxiproxy } from './lab';
import type { LabContext } from './scenario';
import { S3FaultProxy } from './s3-fault-proxy';

/** Starts the lab (services, proxies) and connects to it; `close` disconnects and leaves the services up. */
export async function openLab(): Promise<LabContext & { close(): Promise<void> }> {
  await ensureLab();
  const s3Proxy = new S3FaultProxy(S3_FAULT_PROXY_PORT, PROXIES.s3.listen);
  await s3Proxy.start();
  const connection = await Connection.connect({ address: LAB.temporal });
  const client = new Client({ connection });
  const s3 = new S3Client({ endpoint: LAB.s3, region: S3_ENV.AWS_REGION, forcePathStyle: true });
  return {
    client,
    connection,
    s3,
    s3Proxy,
    async close() {
      s3.destroy();
      await connection.close();
      await s3Proxy.stop();
      await toxiproxy.reset();
    },
  };
}
